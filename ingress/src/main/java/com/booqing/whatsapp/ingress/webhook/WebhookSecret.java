package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Opens endpoints' webhook secrets (Cloud API app secret, WAHA HMAC key, Evolution jwt_key) and keeps them
 * opened, as ready-to-clone HMACs, so that a webhook costs no AES-GCM decryption. The cache is keyed by tenant,
 * endpoint and the sealed token itself: an updated or rotated secret is a new token, hence a new entry, and the
 * stale one is never used again. Bounded: at {@link #MAX_CACHED} entries it starts over. The opened keys are never
 * logged and never leave this class except inside a {@link Mac}.
 */
final class WebhookSecret {
    static final int MAX_CACHED = 10_000;
    private static final Logger log = LoggerFactory.getLogger(WebhookSecret.class);

    private final SecretBox secrets;
    private final ConcurrentMap<CacheKey, Key> opened = new ConcurrentHashMap<>();

    WebhookSecret(SecretBox secrets) {
        this.secrets = secrets;
    }

    /**
     * The endpoint's opened secret, or empty when the endpoint has none (its webhooks are then refused, and the
     * operator told so in the log).
     *
     * @throws SecretBox.SealedSecretException when the secret cannot be opened: a server-side fault
     */
    Optional<Key> open(Endpoint endpoint) {
        if (endpoint.webhookSecret() == null) {
            return none(endpoint);
        }
        CacheKey cacheKey = new CacheKey(endpoint.tenantId(), endpoint.id(), endpoint.webhookSecret().token());
        Key key = opened.get(cacheKey);
        if (key != null) {
            return Optional.of(key);
        }
        byte[] secret = secrets.open(endpoint.webhookSecret(),
                Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "webhookSecret"));
        if (secret.length == 0) {
            return none(endpoint);
        }
        if (opened.size() >= MAX_CACHED) {
            opened.clear();
        }
        key = new Key(secret);
        opened.put(cacheKey, key);
        return Optional.of(key);
    }

    private static Optional<Key> none(Endpoint endpoint) {
        log.warn("{} endpoint {} of tenant {} has no webhook secret; refusing its webhooks",
                endpoint.provider().wireName(), endpoint.id(), endpoint.tenantId());
        return Optional.empty();
    }

    private record CacheKey(String tenantId, String endpointId, String sealedToken) {
        @Override
        public String toString() {
            return "CacheKey[" + tenantId + "/" + endpointId + "]";
        }
    }

    /** One opened secret: initialised HMACs that each use clones, so that no state is shared between threads. */
    static final class Key {
        private final Mac sha256;
        private final Mac sha512;

        private Key(byte[] secret) {
            this.sha256 = Hmac.initialised(Hmac.SHA256, secret);
            this.sha512 = Hmac.initialised(Hmac.SHA512, secret);
        }

        byte[] sha256(byte[] data) {
            return Hmac.cloneOf(sha256).doFinal(data);
        }

        byte[] sha512(byte[] data) {
            return Hmac.cloneOf(sha512).doFinal(data);
        }

        @Override
        public String toString() {
            return "Key[***]";
        }
    }
}
