package com.booqing.whatsapp.processor.testing;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.webhook.RawWebhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** Webhook fixtures (see the README.md beside each provider's fixtures) and raw webhooks around them. */
public final class Fixtures {
    public static final String TENANT = "acme";
    public static final String ENDPOINT = "ep_cloud1";
    public static final String WAHA_ENDPOINT = "ep_waha1";
    public static final String EVOLUTION_ENDPOINT = "ep_evo1";
    public static final Instant RECEIVED = Instant.parse("2025-06-09T10:00:00Z");

    private Fixtures() {
    }

    public static byte[] cloudApi(String name) {
        return fixture("cloud-api", name);
    }

    public static byte[] waha(String name) {
        return fixture("waha", name);
    }

    public static byte[] evolution(String name) {
        return fixture("evolution", name);
    }

    private static byte[] fixture(String provider, String name) {
        String path = "/fixtures/" + provider + "/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawWebhook rawCloudApi(String requestId, byte[] body) {
        return new RawWebhook(requestId, TENANT, ENDPOINT, ProviderType.CLOUD_API, RECEIVED,
                Map.of("x-hub-signature-256", "sha256=00"), body);
    }

    public static RawWebhook rawWaha(String requestId, byte[] body) {
        return rawWaha(TENANT, requestId, body);
    }

    public static RawWebhook rawWaha(String tenant, String requestId, byte[] body) {
        return new RawWebhook(requestId, tenant, WAHA_ENDPOINT, ProviderType.WAHA, RECEIVED, Map.of(), body);
    }

    public static RawWebhook rawEvolution(String requestId, byte[] body) {
        return rawEvolution(TENANT, requestId, body);
    }

    public static RawWebhook rawEvolution(String tenant, String requestId, byte[] body) {
        return new RawWebhook(requestId, tenant, EVOLUTION_ENDPOINT, ProviderType.EVOLUTION, RECEIVED, Map.of(), body);
    }
}
