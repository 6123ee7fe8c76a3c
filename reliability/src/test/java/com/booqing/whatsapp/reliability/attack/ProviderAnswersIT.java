package com.booqing.whatsapp.reliability.attack;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks that come back from a tenant's provider URL, at the level of the services' HTTP clients (the sender's
 * Cloud API adapter and the health monitor's {@link ProviderHttp}): a redirect towards the cloud metadata address
 * or another internal server is not followed, and a 50 MB answer is cut off at the read bound so that the call fails
 * cleanly and quickly. A tiny local HTTP server plays the provider; a second one stands for the internal target and
 * counts every request that reaches it.
 */
class ProviderAnswersIT {
    private static final long HUGE = 50L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private static HttpServer provider;
    private static HttpServer internal;
    private static final AtomicInteger internalHits = new AtomicInteger();
    private static final AtomicLong hugeBytesWritten = new AtomicLong();

    @BeforeAll
    static void start() throws IOException {
        internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        internal.createContext("/", x -> {
            internalHits.incrementAndGet();
            byte[] ok = "{\"messages\":[{\"id\":\"wamid.stolen\"}],\"status\":\"WORKING\"}".getBytes();
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        internal.start();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.setExecutor(Executors.newFixedThreadPool(4));
        provider.createContext("/metadata", x -> redirect(x, "http://169.254.169.254/latest/meta-data/iam/"));
        provider.createContext("/internal", x -> redirect(x, "http://127.0.0.1:" + internal.getAddress().getPort()
                + "/v23.0/100000000000001/messages"));
        provider.createContext("/huge", x -> {
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, HUGE);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '[';
            try (OutputStream out = x.getResponseBody()) {
                for (long sent = 0; sent < HUGE; sent += chunk.length) {
                    out.write(chunk);
                    hugeBytesWritten.addAndGet(chunk.length);
                    chunk[0] = ' ';
                }
            } catch (IOException clientHungUp) {
                // what a bounded reader does
            }
        });
        provider.start();
    }

    private static void redirect(com.sun.net.httpserver.HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.stop(0);
            ((java.util.concurrent.ExecutorService) provider.getExecutor()).shutdownNow();
        }
        if (internal != null) {
            internal.stop(0);
        }
    }

    private static String base(String path) {
        return "http://127.0.0.1:" + provider.getAddress().getPort() + path;
    }

    @TestFactory
    Stream<DynamicTest> providerAnswers() {
        return Stream.of(
                DynamicTest.dynamicTest("health monitor: 302 to 169.254.169.254 -> the 302 itself, not followed",
                        () -> {
                            ProviderHttp.Answer a = healthCall(base("/metadata"));
                            assertThat(a.status()).isEqualTo(302);
                        }),
                DynamicTest.dynamicTest("health monitor: 302 to an internal server -> not followed, 0 requests there",
                        () -> {
                            int before = internalHits.get();
                            ProviderHttp.Answer a = healthCall(base("/internal"));
                            assertThat(a.status()).isEqualTo(302);
                            assertThat(internalHits.get()).isEqualTo(before);
                        }),
                DynamicTest.dynamicTest("sender: 302 to 169.254.169.254 -> not sent, not followed", () -> {
                    SendOutcome o = send(base("/metadata"));
                    assertThat(o).isNotInstanceOf(SendOutcome.Sent.class);
                }),
                DynamicTest.dynamicTest("sender: 302 to an internal server -> not sent, 0 requests there", () -> {
                    int before = internalHits.get();
                    SendOutcome o = send(base("/internal"));
                    assertThat(o).isNotInstanceOf(SendOutcome.Sent.class);
                    assertThat(internalHits.get()).isEqualTo(before);
                }),
                DynamicTest.dynamicTest("health monitor: a 50 MB answer -> BAD_ANSWER within the timeout, read bounded",
                        () -> {
                            hugeBytesWritten.set(0);
                            long start = System.nanoTime();
                            Throwable failure = null;
                            try {
                                healthCall(base("/huge"));
                            } catch (ExecutionException e) {
                                failure = e.getCause();
                            }
                            assertThat(failure).isInstanceOf(ProviderCallException.class);
                            assertThat(((ProviderCallException) failure).kind())
                                    .isEqualTo(ProviderCallException.Kind.BAD_ANSWER);
                            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(3));
                            assertThat(hugeBytesWritten.get()).as("bytes the provider got out").isLessThan(HUGE);
                        }),
                DynamicTest.dynamicTest("sender: a 50 MB answer -> not sent, within the timeout, read bounded", () -> {
                    hugeBytesWritten.set(0);
                    long start = System.nanoTime();
                    SendOutcome o = send(base("/huge"));
                    assertThat(o).isNotInstanceOf(SendOutcome.Sent.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(3));
                    assertThat(hugeBytesWritten.get()).as("bytes the provider got out").isLessThan(HUGE);
                }));
    }

    /** The monitor's client as it is built in production, the guard allowing loopback (the fake provider's). */
    private static ProviderHttp.Answer healthCall(String url) throws Exception {
        ProviderHttp http = new ProviderHttp(ProviderHttp.httpClient(TIMEOUT), new EndpointUrlGuard(true));
        return http.send("GET", URI.create(url), Map.of(), null, TIMEOUT).get(TIMEOUT.toSeconds() + 5,
                TimeUnit.SECONDS);
    }

    /** One Cloud API send through the sender's adapter, its API URL being {@code url} minus the Graph path. */
    private static SendOutcome send(String apiUrl) {
        Instant now = Instant.now();
        Endpoint endpoint = new Endpoint("ep_attack", "tenant1", "attack", ProviderType.CLOUD_API, apiUrl, "v23.0",
                "100000000000001", null, null, null, null, null, true, true, 1, now, now);
        SendCommand command = new SendCommand(null, "tenant1", null, null, "+14155550123",
                new MessageContent.Text("hi", null), "attack-" + System.nanoTime(), null, now);
        return new CloudApiAdapter(CloudApiAdapter.httpClient(TIMEOUT)).send(endpoint, "access-token-0123456789",
                command, TIMEOUT);
    }
}
