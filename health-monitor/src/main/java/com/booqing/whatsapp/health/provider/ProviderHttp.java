package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.net.AddressPinning;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the monitor calls a provider: JSON in and out, a timeout on every call, a bounded answer, no
 * redirects (a key never travels to another host), and failures described without secrets or bodies. Every URL
 * passes the {@link EndpointUrlGuard} first, the host resolved and each address checked (server-side request
 * forgery: endpoint URLs come from tenants), and the request connects to the address that was checked
 * ({@link AddressPinning}), so a DNS answer that changes before the connect (rebinding) is not followed.
 */
public final class ProviderHttp {
    public static final int MAX_ANSWER_BYTES = 256 * 1024;
    /** Beyond the request timeout, how long reading the body may take before the call is abandoned. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(2);

    /** Host name to addresses; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpClient http;
    private final EndpointUrlGuard guard;
    private final Resolver names;
    private final AddressPinning pinning;
    private final ObjectMapper json = Json.lenient();
    private final ThreadPoolExecutor resolver;

    public ProviderHttp(HttpClient http, EndpointUrlGuard guard) {
        this(http, guard, InetAddress::getAllByName, AddressPinning.detect());
    }

    public ProviderHttp(HttpClient http, EndpointUrlGuard guard, Resolver names, AddressPinning pinning) {
        this.http = http;
        this.guard = guard;
        this.names = names;
        this.pinning = pinning;
        // Name lookups block; they get threads of their own (the JVM caches answers, so few lookups reach DNS).
        AtomicInteger n = new AtomicInteger();
        this.resolver = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "provider-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        resolver.allowCoreThreadTimeOut(true);
    }

    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * A provider's answer, whatever its status.
     *
     * @param body the parsed JSON body; a missing node when the body is empty or not JSON
     */
    public record Answer(int status, JsonNode body, long latencyMs) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Never completes with anything but an {@link Answer} or a {@link ProviderCallException}. */
    public CompletableFuture<Answer> send(String method, URI uri, Map<String, String> headers, Object jsonBody,
                                          Duration timeout) {
        byte[] body;
        try {
            body = jsonBody == null ? null : json.writeValueAsBytes(jsonBody);
            request(method, new AddressPinning.Pinned(uri, Optional.empty()), headers, body, timeout);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new ProviderCallException("request could not be built", ProviderCallException.Kind.BAD_ANSWER, 0,
                            null));
        }
        try {
            guard.check(uri);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return CompletableFuture.failedFuture(refused(e));
        }
        long started = System.nanoTime();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> {
                    InetAddress[] addresses;
                    try {
                        addresses = names.resolve(uri.getHost());
                        guard.checkResolved(uri.getHost(), addresses);
                    } catch (UnknownHostException e) {
                        throw new ProviderCallException("host not found", ProviderCallException.Kind.UNREACHABLE, 0,
                                null);
                    } catch (EndpointUrlGuard.UnsafeUrlException e) {
                        throw refused(e);
                    }
                    return request(method, pinning.pin(uri, addresses[0]), headers, body, timeout);
                }, resolver)
                .thenCompose(request -> http.sendAsync(request, LimitedBody.handler(MAX_ANSWER_BYTES)))
                .orTimeout(timeout.plus(BODY_GRACE).toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> {
                    long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    if (error != null) {
                        answer.completeExceptionally(describe(error, timeout, latency));
                    } else {
                        answer.complete(new Answer(response.statusCode(), parse(response.body()), latency));
                    }
                });
        return answer;
    }

    /** The same call, waited for; for the device manager's threads, which may block. */
    public Answer call(String method, URI uri, Map<String, String> headers, Object jsonBody, Duration timeout) {
        try {
            return send(method, uri, headers, jsonBody, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderCallException("interrupted", ProviderCallException.Kind.TIMEOUT, 0, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderCallException p) {
                throw p;
            }
            throw new ProviderCallException("call failed", ProviderCallException.Kind.UNREACHABLE, 0, null);
        }
    }

    private static HttpRequest request(String method, AddressPinning.Pinned target, Map<String, String> headers,
                                       byte[] jsonBody, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.uri()).timeout(timeout)
                .header("Accept", "application/json");
        target.hostHeader().ifPresent(h -> b.header("Host", h));
        headers.forEach(b::header);
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(jsonBody));
        }
        return b.build();
    }

    private static ProviderCallException refused(EndpointUrlGuard.UnsafeUrlException e) {
        return new ProviderCallException("endpoint URL refused: " + e.getMessage(),
                ProviderCallException.Kind.UNREACHABLE, 0, null);
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0 || (body[0] != '{' && body[0] != '[')) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * A provider's status word as it may be published: letters, digits and {@code _.-}, at most 40 characters;
     * anything else (a provider that answers prose, or worse) becomes "unrecognised"; nothing becomes "".
     */
    public static String word(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        return s.matches("[A-Za-z0-9_.-]{1,40}") ? s : "unrecognised";
    }

    /** An HTTP error answer as a failure, for callers that need a 2xx. */
    public static ProviderCallException httpError(Answer a, String rejectedWhat) {
        String message = a.status() == 401 || a.status() == 403
                ? "HTTP " + a.status() + ": " + rejectedWhat + " rejected" : "HTTP " + a.status();
        return new ProviderCallException(message, ProviderCallException.Kind.HTTP_ERROR, a.status(), a.latencyMs());
    }

    static ProviderCallException describe(Throwable error, Duration timeout, long latency) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (t instanceof ProviderCallException p) {
            return p;
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new ProviderCallException("connect timed out", ProviderCallException.Kind.UNREACHABLE, 0, latency);
        }
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return new ProviderCallException("no answer within " + timeout.toMillis() + " ms",
                    ProviderCallException.Kind.TIMEOUT, 0, latency);
        }
        if (t instanceof ConnectException) {
            return new ProviderCallException("connection refused", ProviderCallException.Kind.UNREACHABLE, 0, latency);
        }
        if (t instanceof IOException && t.getMessage() != null && t.getMessage().startsWith("answer larger than")) {
            return new ProviderCallException(t.getMessage(), ProviderCallException.Kind.BAD_ANSWER, 0, latency);
        }
        return new ProviderCallException("connection failed (" + t.getClass().getSimpleName() + ")",
                ProviderCallException.Kind.UNREACHABLE, 0, latency);
    }
}
