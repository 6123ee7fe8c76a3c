package com.booqing.whatsapp.processor.testing;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.webhook.RawWebhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/** Webhook fixtures (see src/test/resources/fixtures/cloud-api/README.md) and raw webhooks around them. */
public final class Fixtures {
    public static final String TENANT = "acme";
    public static final String ENDPOINT = "ep_cloud1";
    public static final Instant RECEIVED = Instant.parse("2025-06-09T10:00:00Z");

    private Fixtures() {
    }

    public static byte[] cloudApi(String name) {
        String path = "/fixtures/cloud-api/" + name;
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

    public static RawWebhook raw(ProviderType provider, String requestId, byte[] body) {
        return new RawWebhook(requestId, TENANT, "ep_" + provider.wireName().replace("-", ""), provider, RECEIVED,
                Map.of(), body);
    }
}
