package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/** Opens an endpoint's webhook secret (Cloud API app secret, WAHA HMAC key, Evolution jwt_key). */
final class WebhookSecret {
    private static final Logger log = LoggerFactory.getLogger(WebhookSecret.class);

    private WebhookSecret() {
    }

    /**
     * The secret's bytes, or empty when the endpoint has none (its webhooks are then refused, and the operator
     * told so in the log).
     *
     * @throws SecretBox.SealedSecretException when the secret cannot be opened: a server-side fault
     */
    static Optional<byte[]> open(SecretBox secrets, Endpoint endpoint) {
        byte[] secret = endpoint.webhookSecret() == null ? new byte[0]
                : secrets.open(endpoint.webhookSecret(),
                        Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "webhookSecret"));
        if (secret.length == 0) {
            log.warn("{} endpoint {} of tenant {} has no webhook secret; refusing its webhooks",
                    endpoint.provider().wireName(), endpoint.id(), endpoint.tenantId());
            return Optional.empty();
        }
        return Optional.of(secret);
    }
}
