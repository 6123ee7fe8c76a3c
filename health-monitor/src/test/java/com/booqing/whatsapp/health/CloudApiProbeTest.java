package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.health.provider.ProviderHttp;
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
    private final Probes probes = probes(new EndpointUrlGuard(true));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile int status = 200;
    private volatile long delayMs;
    private volatile String body = "{\"id\":\"1234567890\",\"quality_rating\":\"GREEN\"}";
    private volatile String query;
    private HttpServer server;

    private Probes probes(EndpointUrlGuard guard) {
        return new Probes(List.of(new CloudApiProbe(new ProviderHttp(ProviderHttp.httpClient(Duration.ofSeconds(2)),
                guard))), box);
    }

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
            query = ex.getRequestURI().getQuery();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            try (var out = ex.getResponseBody()) {
                out.write(answer);
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
        assertThat(query).isEqualTo("fields=status,quality_rating,throughput");
    }

    @Test
    void connectedNumberWithGreenQualityIsUpWithItsStatus() throws Exception {
        body = "{\"id\":\"1\",\"status\":\"CONNECTED\",\"quality_rating\":\"GREEN\",\"throughput\":{\"level\":\"STANDARD\"}}";

        assertThat(probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT).providerStatus()).isEqualTo("CONNECTED");
    }

    @Test
    void numberThatIsNotConnectedIsDownWithItsStatus() throws Exception {
        body = "{\"id\":\"1\",\"status\":\"DISCONNECTED\",\"quality_rating\":\"GREEN\"}";

        ProbeResult.Down r = (ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT);

        assertThat(r.error()).isEqualTo("phone number status DISCONNECTED");
        assertThat(r.cause()).isEqualTo(ProbeResult.Cause.NOT_WORKING);
    }

    @Test
    void redQualityIsDown() throws Exception {
        body = "{\"id\":\"1\",\"status\":\"CONNECTED\",\"quality_rating\":\"RED\"}";

        assertThat(((ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)).error())
                .isEqualTo("quality rating RED");
    }

    @Test
    void statusWordsThatAreNotWordsAreNotRepeated() throws Exception {
        body = "{\"id\":\"1\",\"status\":\"<script>alert(1)</script> and a long story\"}";

        assertThat(((ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)).error())
                .isEqualTo("phone number status unrecognised");
    }

    @Test
    void oversizedAnswerIsDown() throws Exception {
        body = "{\"id\":\"" + "x".repeat(300_000) + "\"}";

        assertThat(((ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)).error())
                .startsWith("answer larger than");
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
        // Connected once already, so the short timeout measures the answer, not a cold connect on a busy machine.
        assertThat(probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)).isInstanceOf(ProbeResult.Up.class);
        delayMs = 1500;

        ProbeResult.Down r = (ProbeResult.Down) probe(endpoint(ProviderType.CLOUD_API, url()), Duration.ofMillis(200));

        assertThat(r.error()).isEqualTo("no answer within 200 ms");
        assertThat(r.silent()).isTrue();
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
    void privateAddressesAreRefusedUnlessAllowed() throws Exception {
        ProbeResult r = probes(new EndpointUrlGuard(false)).probe(endpoint(ProviderType.CLOUD_API, url()), TIMEOUT)
                .get(10, TimeUnit.SECONDS);

        assertThat(((ProbeResult.Down) r).error()).startsWith("endpoint URL refused: ").doesNotContain("127.0.0.1");
        assertThat(seen).isEmpty();
    }

    @Test
    void otherProvidersAreNotProbedYet() throws Exception {
        ProbeResult r = probe(endpoint(ProviderType.WAHA, url()), TIMEOUT);

        assertThat(r).isEqualTo(new ProbeResult.NotProbed("probe not supported yet"));
        assertThat(seen).isEmpty();
    }
}
