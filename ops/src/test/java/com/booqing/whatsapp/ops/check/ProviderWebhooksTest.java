package com.booqing.whatsapp.ops.check;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ingress.webhook.CloudApiVerifier;
import com.booqing.whatsapp.ingress.webhook.EvolutionVerifier;
import com.booqing.whatsapp.ingress.webhook.WahaVerifier;
import com.booqing.whatsapp.ingress.webhook.WebhookRequest;
import com.booqing.whatsapp.ingress.webhook.WebhookVerifier;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.booqing.whatsapp.processor.webhook.WebhookParsers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhooks {@code test} posts against a real endpoint pass the ingress's own verifier for their provider and
 * become exactly one inbound text in the processor's own parser.
 */
class ProviderWebhooksTest {
    private static final String TENANT = "salon";
    private static final String ENDPOINT = "ep_test1";
    private static final String SECRET = "webhook-secret-0123456789";
    private final SecretBox box = new SecretBox(Map.of("k1", randomKey()));

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private Endpoint endpoint(ProviderType provider) {
        Instant now = Instant.now();
        return new Endpoint(ENDPOINT, TENANT, "test", provider, "http://127.0.0.1:9", "v23.0", "100000000000001",
                "default", "salon-instance", box.seal("api-key-0123456789", Endpoint.secretContext(TENANT, ENDPOINT, "apiKey")),
                box.seal(SECRET, Endpoint.secretContext(TENANT, ENDPOINT, "webhookSecret")), null, true, true, 1, now, now);
    }

    private WebhookVerifier verifier(ProviderType provider) {
        return switch (provider) {
            case CLOUD_API -> new CloudApiVerifier(box);
            case WAHA -> new WahaVerifier(box);
            case EVOLUTION -> new EvolutionVerifier(box, Clock.systemUTC());
        };
    }

    @ParameterizedTest
    @EnumSource(ProviderType.class)
    void passesTheIngressVerifierAndParsesIntoOneInboundText(ProviderType provider) {
        Endpoint endpoint = endpoint(provider);
        Instant at = Instant.now();

        SignedWebhook w = ProviderWebhooks.inboundText(endpoint, SECRET, "14155550123", "whatsapp-ops test 1: hello",
                "opsabc123", at);

        assertThat(verifier(provider).isAuthentic(endpoint, new WebhookRequest(TENANT, ENDPOINT, w.headers(), w.body())))
                .isTrue();
        SignedWebhook forged = ProviderWebhooks.inboundText(endpoint, "another-secret-0123456789", "14155550123",
                "whatsapp-ops test 1: hello", "opsabc123", at);
        assertThat(verifier(provider).isAuthentic(endpoint, new WebhookRequest(TENANT, ENDPOINT, forged.headers(),
                forged.body()))).isFalse();
        ParseResult parsed = WebhookParsers.standard().forProvider(provider).parse(new RawWebhook("req-1", TENANT,
                ENDPOINT, provider, at, Map.of(), w.body()));
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.events()).hasSize(1);
        Envelope event = parsed.events().get(0);
        InboundMessage m = (InboundMessage) event.payload();
        assertThat(m.phone()).isEqualTo("+14155550123");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("whatsapp-ops test 1: hello", null));
        assertThat(m.providerMessageId()).isEqualTo(w.providerMessageId());
    }
}
