package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.net.AddressPinning;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Health checks and session calls go to tenants' URLs too: a DNS answer that changes between the guard's check and
 * the connect must not be followed. The host name exists in no DNS; only the test's resolver knows it.
 */
class DnsRebindingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HttpServer server;
    private final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            byte[] body = "{\"status\":\"WORKING\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private ProviderHttp http(AtomicInteger lookups, String... answers) {
        return new ProviderHttp(ProviderHttp.httpClient(TIMEOUT), new EndpointUrlGuard(true), host -> {
            int n = lookups.getAndIncrement();
            String answer = answers[Math.min(n, answers.length - 1)];
            return new InetAddress[]{InetAddress.getByAddress(host, InetAddress.getByName(answer).getAddress())};
        }, AddressPinning.detect());
    }

    private URI uri() {
        return URI.create("http://waha.rebind.invalid:" + server.getAddress().getPort() + "/api/sessions/default");
    }

    @Test
    void checkConnectsToTheCheckedAddressWithTheOriginalHost() throws Exception {
        ProviderHttp http = http(new AtomicInteger(), "127.0.0.1");

        ProviderHttp.Answer answer = http.send("GET", uri(), Map.of(), null, TIMEOUT).get();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(hosts).containsExactly("waha.rebind.invalid:" + server.getAddress().getPort());
    }

    @Test
    void answerThatTurnsIntoTheMetadataAddressIsRefusedBeforeAnythingIsSent() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        ProviderHttp http = http(lookups, "127.0.0.1", "169.254.169.254");
        assertThat(http.send("GET", uri(), Map.of(), null, TIMEOUT).get().status()).isEqualTo(200);

        assertThatThrownBy(() -> http.send("GET", uri(), Map.of(), null, TIMEOUT).get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ProviderCallException.class).hasMessageContaining("cloud metadata")
                .hasMessageNotContaining("169.254");

        assertThat(lookups.get()).isEqualTo(2);
        assertThat(hosts).hasSize(1);
    }
}
