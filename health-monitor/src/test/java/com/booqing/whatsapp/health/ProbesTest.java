package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ProbesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final SecretBox box = new SecretBox(Map.of("k1", new byte[32]));
    private final List<String> keysSeen = new ArrayList<>();
    private final Probes probes = new Probes(List.of(new EndpointProbe() {
        @Override
        public ProviderType provider() {
            return ProviderType.WAHA;
        }

        @Override
        public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
            keysSeen.add(secretApiKey);
            return CompletableFuture.completedFuture(new ProbeResult.Up(1));
        }
    }), box);

    private Endpoint endpoint(String tenant, String id, String key) {
        return withKey(tenant, id, box.seal(key, Endpoint.secretContext(tenant, id, "apiKey")));
    }

    private static Endpoint withKey(String tenant, String id, com.booqing.whatsapp.common.crypto.Sealed key) {
        Instant now = Instant.now();
        return new Endpoint(id, tenant, id, ProviderType.WAHA, "http://127.0.0.1:1", null, null, "default", null, key,
                null, null, true, true, 1, now, now);
    }

    @Test
    void everyCheckGetsTheKeyOfTheEndpointAsItNowIs() {
        Endpoint before = endpoint("t1", "ep_a", "old-key");
        probes.probe(before, TIMEOUT).join();
        probes.probe(before, TIMEOUT).join();
        // The key was changed: a new record with a new sealed value.
        probes.probe(endpoint("t1", "ep_a", "new-key"), TIMEOUT).join();

        assertThat(keysSeen).containsExactly("old-key", "old-key", "new-key");
    }

    @Test
    void aSealedKeyCopiedToAnotherEndpointDoesNotOpenThereEvenOnceOpenedForItsOwn() {
        Endpoint a = endpoint("t1", "ep_a", "key-of-a");
        probes.probe(a, TIMEOUT).join();

        ProbeResult b = probes.probe(withKey("t2", "ep_b", a.apiKey()), TIMEOUT).join();

        assertThat(b).isInstanceOf(ProbeResult.Down.class);
        assertThat(((ProbeResult.Down) b).error()).startsWith("API key cannot be opened");
        assertThat(keysSeen).containsExactly("key-of-a");
    }
}
