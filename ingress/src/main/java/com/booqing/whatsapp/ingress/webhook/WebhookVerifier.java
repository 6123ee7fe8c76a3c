package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.util.List;

/**
 * How one provider proves a webhook is its own. Adding a provider is one implementation, registered in
 * {@link WebhookHandlers}' verifier list.
 */
public interface WebhookVerifier {

    ProviderType provider();

    /**
     * True only when the request provably comes from the endpoint's provider. Must compare in constant time and
     * must not throw for malformed input (missing or garbled signature headers are simply not authentic).
     *
     * @throws com.booqing.whatsapp.common.crypto.SecretBox.SealedSecretException when the endpoint's secret
     *         cannot be opened: a server-side fault, not the caller's
     */
    boolean isAuthentic(Endpoint endpoint, WebhookRequest request);

    /**
     * Lower-case names of the request headers {@link #isAuthentic} reads. Only these and {@link #keptHeaders()}
     * are copied into the {@link WebhookRequest}: a header missing here is absent, so the webhook is refused.
     */
    List<String> signatureHeaders();

    /**
     * Lower-case names of the request headers kept with the raw webhook on Kafka. Never signatures or
     * credentials: the record is replayable and readable by operators.
     */
    default List<String> keptHeaders() {
        return List.of("content-type", "user-agent");
    }
}
