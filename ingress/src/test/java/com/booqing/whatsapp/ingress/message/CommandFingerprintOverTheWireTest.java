package com.booqing.whatsapp.ingress.message;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.CommandFingerprint;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingress fingerprints the command it builds; the sender fingerprints the command it decoded from Kafka. A
 * content whose JSON does not round-trip would make every retry look like a conflict.
 */
class CommandFingerprintOverTheWireTest {
    @SuppressWarnings("unchecked")
    final JsonSerde<SendCommand> serde =
            (JsonSerde<SendCommand>) Topics.withPrefix("t.", 1).sendCommands().valueSerde();

    static Stream<MessageContent> contents() {
        return Stream.of(
                new MessageContent.Text("Hello from Booqing!", null),
                new SendMessageRequest("+31612345678", null, null, "image", "A haircut", "https://cdn.example/a.jpg",
                        null, null, "image/jpeg", null, null, null).toContent(),
                new SendMessageRequest("+31612345678", null, null, "document", null, "https://cdn.example/b.pdf",
                        "Invoice", "invoice.pdf", null, null, null, null).toContent());
    }

    @ParameterizedTest
    @MethodSource("contents")
    void fingerprintSurvivesTheSendCommandsTopic(MessageContent content) {
        SendCommand built = new SendCommand(null, "salon-a", null, "ep_1", "+31612345678", content, "k-1", null,
                Instant.parse("2025-06-01T12:00:00Z"));
        Decoded<SendCommand> decoded = serde.decode(serde.encode(built));
        assertThat(decoded).isInstanceOf(Decoded.Ok.class);
        SendCommand received = ((Decoded.Ok<SendCommand>) decoded).value();

        assertThat(fingerprint(received)).isEqualTo(fingerprint(built));
        assertThat(fingerprint(received)).isNotEqualTo(fingerprint(new SendCommand(null, "salon-a", null, "ep_1",
                "+31612345678", new MessageContent.Text("other", null), "k-1", null, null)));
    }

    private static String fingerprint(SendCommand c) {
        return CommandFingerprint.of(c.tenantId(), c.to(), c.deviceId(), c.endpointId(), c.message());
    }
}
