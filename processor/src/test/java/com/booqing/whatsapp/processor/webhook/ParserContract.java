package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.inbound.ConversationKeys;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link WebhookParser} promises for any body, checked by the parsers' fuzz tests
 * ({@code CloudApiParserFuzzTest}, {@code WahaParserFuzzTest}, {@code EvolutionParserFuzzTest}):
 * <ul>
 *   <li>it returns; nothing is thrown (a body it cannot read is a {@link ParseResult} with problems, which the
 *       topology dead-letters);</li>
 *   <li>every event belongs to the webhook's tenant, has an event id, gets a Kafka key, and survives the events
 *       topic: the serde writes it and reads back an equal event (a value the projector could not read would be
 *       dead-lettered there, after dedup had already counted it);</li>
 *   <li>it is deterministic: the same webhook gives the same event ids, problems and LID links again (replays
 *       and dedup rest on that).</li>
 * </ul>
 */
public final class ParserContract {
    public static final String TENANT = "salon-a";
    private static final Instant RECEIVED = Instant.parse("2025-06-09T10:00:00Z");
    private static final JsonSerde<Envelope> EVENTS = JsonSerde.of(Envelope.class);

    private ParserContract() {
    }

    public static RawWebhook webhook(ProviderType provider, byte[] body) {
        return new RawWebhook("req-fuzz-1", TENANT, "ep_fuzz", provider, RECEIVED,
                Map.of("x-webhook-request-id", "evt-fuzz-1"), body);
    }

    public static void holds(WebhookParser parser, byte[] body) {
        RawWebhook webhook = webhook(parser.provider(), body);
        ParseResult result = parser.parse(webhook);

        for (Envelope event : result.events()) {
            assertThat(event.tenantId()).isEqualTo(TENANT);
            assertThat(event.eventId()).isNotBlank();
            assertThat(event.type()).isNotBlank();
            assertThat(ConversationKeys.of(event)).startsWith(TENANT);
            byte[] encoded = EVENTS.encode(event);
            Decoded<Envelope> decoded = EVENTS.decode(encoded);
            assertThat(decoded).as("an emitted event the events topic cannot carry").isInstanceOf(Decoded.Ok.class);
            assertThat(((Decoded.Ok<Envelope>) decoded).value()).isEqualTo(event);
        }
        for (String problem : result.problems()) {
            assertThat(problem).isNotBlank();
        }
        result.problemSummary();

        ParseResult again = parser.parse(webhook);
        assertThat(ids(again.events())).as("same webhook, other event ids").isEqualTo(ids(result.events()));
        assertThat(again.problems()).isEqualTo(result.problems());
        assertThat(again.links()).isEqualTo(result.links());
    }

    private static List<String> ids(List<Envelope> events) {
        return events.stream().map(Envelope::eventId).toList();
    }
}
