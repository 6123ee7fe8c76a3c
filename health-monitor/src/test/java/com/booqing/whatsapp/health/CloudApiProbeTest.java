package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CloudApiProbeTest {
    private static final String TOKEN = "EAAG-probe-token";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SecretBox box = box();
    private final Probes probes = new Probes(List.of(new CloudApiProbe(CloudApiProbe.httpClient(Duration.ofSeconds(2)))), box);
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile int status = 200;
    private volatile long delayMs;
    private HttpServer server;

    private static SecretBox box() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretBox(Map.of("k", key));
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + ex.getRequestHeaders().getFirst("Authorization"));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"id\":\"1234567890\",\"quality_rating\":\"GREEN\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // the probe gave up already
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private Endpoint endpoint(ProviderType provider, String apiUrl) {
        return new Endpoint("ep_a", "acme", "a", provider, apiUrl, "v23.0", "1234567890", null, null,
                box.seal(TOKEN, Endpoint.secretContext("acme", "ep_a", "apiKey")), null, null, true, true, 1,
                Instant.EPOCH, Instant.EPOCH);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ProbeResult probe(Endpoint e, Duration timeout) throws Exception {
        return probes.probe(e, timeout).get(10, TimeUnit.SECONDS);
    }

    @Test
    void getsThePhoneNumberWithTheBearerToken() throws Exception {
        ProbeResult r = probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT);

        assertThat(r).isInstanceOf(ProbeResult.Up.class);
        assertThat(seen).containsExactly("GET /v23.0/1234567890 Bearer " + TOKEN);
    }

    @Test
    void rejectedTokenIsDownWithoutTheToken() throws Exception {
        status = 401;

        ProbeResult r = probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT);

        assertThat(((ProbeResult.Down) r).error()).isEqualTo("HTTP 401: access token rejected").doesNotContain(TOKEN);
    }

    @Test
    void serverErrorIsDown() throws Exception {
        status = 503;

        assertThat(((ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)).error())
                .isEqualTo("HTTP 503");
    }

    @Test
    void slowAnswerIsDown() throws Exception {
        delayMs = 1500;

        ProbeResult r = probe(endpoint(ProviderType.CLOUD_API, url()), Duration.ofMillis(200));

        assertThat(((ProbeResult.Down) r).error()).isEqualTo("no answer within 200 ms");
    }

    @Test
    void refusedConnectionIsDown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }

        ProbeResult r = probe(endpoint(ProviderType.CLOUD_API, "http://127.0.0.1:" + closed), TIMEOUT);

        assertThat(((ProbeResult.Down) r).error()).isEqualTo("connection refused");
    }

    @Test
    void otherProvidersAreNotProbedYet() throws Exception {
        ProbeResult r = probe(endpoint(ProviderType.WAHA, url()), TIMEOUT);

        assertThat(r).isEqualTo(new ProbeResult.NotProbed("probe not supported yet"));
        assertThat(seen).isEmpty();
    }
}
