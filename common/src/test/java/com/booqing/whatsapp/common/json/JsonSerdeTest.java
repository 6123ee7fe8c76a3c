package com.booqing.whatsapp.common.json;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSerdeTest {
    private final JsonSerde<SendCommand> serde = JsonSerde.of(SendCommand.class);

    @Test
    void roundTripsASendCommandWithEveryContentKindItCarries() {
        var list = new MessageContent.ListMessage("Menu", "Pick a slot", null, "Slots",
                List.of(new MessageContent.Section("Today", List.of(new MessageContent.Row("s1", "10:00", null)))));
        SendCommand cmd = new SendCommand(null, "salon-1", null, null, "+14155550100", list, "k-1", null, null);

        Decoded<SendCommand> back = serde.decode(serde.encode(cmd));

        assertThat(back).isEqualTo(Decoded.ok(cmd));
        assertThat(new String(serde.encode(cmd), StandardCharsets.UTF_8)).contains("\"type\":\"list\"");
    }

    @Test
    void derivesTheSameMessageIdFromTheSameIdempotencyKey() {
        var text = new MessageContent.Text("hi", null);
        SendCommand a = new SendCommand(null, "salon-1", null, null, "+14155550100", text, "k-1", null, null);
        SendCommand b = new SendCommand(null, "salon-1", null, null, "+14155550100", text, "k-1", null, null);
        SendCommand otherTenant = new SendCommand(null, "salon-2", null, null, "+14155550100", text, "k-1", null, null);

        assertThat(a.messageId()).isEqualTo(b.messageId()).isNotEqualTo(otherTenant.messageId());
    }

    @Test
    void truncatedJsonIsABadRecordNotAnException() {
        byte[] truncated = "{\"tenantId\":\"t\",\"to\":\"+1".getBytes(StandardCharsets.UTF_8);

        Decoded<SendCommand> d = serde.decode(truncated);

        assertThat(d).isInstanceOf(Decoded.Bad.class);
        assertThat(((Decoded.Bad<SendCommand>) d).original()).isEqualTo(truncated);
    }

    @Test
    void missingRequiredFieldIsABadRecordNamingIt() {
        byte[] noTo = "{\"tenantId\":\"t\",\"idempotencyKey\":\"k\",\"message\":{\"type\":\"text\",\"body\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8);

        Decoded<SendCommand> d = serde.decode(noTo);

        assertThat(d).isInstanceOfSatisfying(Decoded.Bad.class, bad -> assertThat(bad.reason()).contains("to"));
    }

    @Test
    void absurdNestingIsRefused() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 10) + "]".repeat(Json.MAX_NESTING_DEPTH + 10);
        byte[] bytes = ("{\"tenantId\":\"t\",\"x\":" + deep + "}").getBytes(StandardCharsets.UTF_8);

        assertThat(serde.decode(bytes)).isInstanceOf(Decoded.Bad.class);
    }

    @Test
    void duplicateKeysAreRefused() {
        byte[] dup = ("{\"tenantId\":\"a\",\"tenantId\":\"b\",\"to\":\"+1\",\"idempotencyKey\":\"k\","
                + "\"message\":{\"type\":\"text\",\"body\":\"x\"}}").getBytes(StandardCharsets.UTF_8);

        assertThat(serde.decode(dup)).isInstanceOf(Decoded.Bad.class);
    }

    @Test
    void kafkaDeserializerThrowsATypedErrorCarryingTheBytes() {
        byte[] bad = "not json".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bad))
                .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.original()).isEqualTo(bad));
    }

    @Test
    void tombstoneDeserializesToNull() {
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
