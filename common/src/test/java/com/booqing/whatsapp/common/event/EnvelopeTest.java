package com.booqing.whatsapp.common.event;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTest {

    @Test
    void carriesItsDottedTypeOnTheWireAndReadsBack() {
        var msg = new InboundMessage(EventIds.inboundMessageId("t", "wamid.1"), "wamid.1", "t", "ep_1",
                ProviderType.CLOUD_API, "+14155550100", null, "Ana", Instant.parse("2026-01-01T10:00:00Z"),
                new MessageContent.Text("hello", null), null);
        var env = new Envelope(EventIds.eventId("t", "cloud-api", "wamid.1"), "t", msg.timestamp(), "req-1", msg);
        JsonSerde<Envelope> serde = JsonSerde.of(Envelope.class);

        byte[] bytes = serde.encode(env);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"type\":\"message.received\"").contains("\"provider\":\"cloud-api\"");
        assertThat(serde.decode(bytes)).isEqualTo(Decoded.ok(env));
    }

    @Test
    void idsAreStableAndTenantScoped() {
        assertThat(EventIds.eventId("a", "cloud-api", "wamid.1")).isEqualTo(EventIds.eventId("a", "cloud-api", "wamid.1"));
        assertThat(EventIds.inboundMessageId("a", "wamid.1")).isNotEqualTo(EventIds.inboundMessageId("b", "wamid.1"));
    }
}
