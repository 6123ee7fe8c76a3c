package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.net.AddressPinning;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HTTP exchange every adapter makes: one request, a bounded answer, and the line between "certainly not sent"
 * (nothing reached the provider) and "ambiguous" (the request left, no answer came back).
 */
final class ProviderHttp {
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Beyond the request timeout, how long a body that trickles in may still take. */
    static final Duration BODY_GRACE = Duration.ofSeconds(2);
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    /** How an exchange ended: an answer of any status, or a network outcome that needs no answer to judge. */
    sealed interface Exchange {
    }

    record Answer(int status, byte[] body, Optional<String> retryAfter) implements Exchange {
    }

    record NoAnswer(SendOutcome outcome) implements Exchange {
    }

    /** How a provider's non-2xx answer becomes a failure: {@link GraphErrors}, {@link WahaErrors}... */
    @FunctionalInterface
    interface ErrorAnswers {
        SendOutcome.Failed classify(int status, byte[] body, Optional<String> retryAfterHeader);
    }

    private final HttpClient http;
    /** Null only for adapters built to call a test server by URL; production adapters always check. */
    private final EndpointAddressCheck addresses;

    ProviderHttp(HttpClient http, EndpointAddressCheck addresses) {
        this.http = http;
        this.addresses = addresses;
    }

    /**
     * The call every adapter makes: a JSON body, a timeout, and the endpoint's key in {@code keyHeader} when it
     * has one. A 2xx answer is read by {@code success}, any other by {@code errors}; no answer is a network outcome.
     */
    SendOutcome sendJson(String method, URI uri, byte[] body, String keyHeader, String key, Duration timeout,
                         Function<Answer, SendOutcome> success, ErrorAnswers errors) {
        URI target = uri;
        Optional<String> hostHeader = Optional.empty();
        if (addresses != null) {
            EndpointAddressCheck.Route route = addresses.route(uri);
            if (route instanceof EndpointAddressCheck.Refused refused) {
                return refused.outcome();
            }
            AddressPinning.Pinned pinned = ((EndpointAddressCheck.Call) route).target();
            target = pinned.uri();
            hostHeader = pinned.hostHeader();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        hostHeader.ifPresent(h -> request.header("Host", h));
        if (key != null) {
            request.header(keyHeader, key);
        }
        Exchange exchange = exchange(request.build(), timeout);
        if (exchange instanceof NoAnswer none) {
            return none.outcome();
        }
        Answer answer = (Answer) exchange;
        if (answer.status() >= 200 && answer.status() < 300) {
            return success.apply(answer);
        }
        return errors.classify(answer.status(), answer.body(), answer.retryAfter());
    }

    /** A message the adapter could not turn into a request body: sending it again won't help. */
    static SendOutcome.Failed unencodable(Exception e) {
        return SendOutcome.Failed.permanent(ProviderCodes.INVALID_CONTENT,
                e instanceof InvalidContentException ? e.getMessage() : "message cannot be encoded");
    }

    /** Endpoint settings that make no valid URL; another endpoint may still do. */
    static SendOutcome.Failed misconfigured(IllegalArgumentException e) {
        return SendOutcome.Failed.endpointRejected(ProviderCodes.ENDPOINT_MISCONFIGURED, e.getMessage());
    }

    /**
     * The blocking {@code send}, not {@code sendAsync}: the caller is a worker that waits anyway, and the JDK client
     * hands every {@code sendAsync} answer over to the common pool's executor, which on a machine with two cores
     * or fewer is a new thread per answer. The request timeout covers the wait for the answer's head; the body must
     * then be complete by {@code timeout + BODY_GRACE} after the call began, or the exchange is ambiguous.
     */
    Exchange exchange(HttpRequest request, Duration timeout) {
        long deadline = System.nanoTime() + timeout.plus(BODY_GRACE).toNanos();
        try {
            HttpResponse<byte[]> response = http.send(request, LimitedBody.handler(MAX_RESPONSE_BYTES, deadline));
            return new Answer(response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
        } catch (IOException e) {
            if (causedBy(e, TimeoutException.class)) {
                return new NoAnswer(new SendOutcome.Ambiguous("no complete answer within " + timeout.toMillis()
                        + " ms"));
            }
            return new NoAnswer(networkFailure(e, timeout));
        } catch (InterruptedException e) {
            // The client cancels the exchange; whether the request had left is not known.
            Thread.currentThread().interrupt();
            return new NoAnswer(new SendOutcome.Ambiguous("interrupted while waiting for the provider"));
        }
    }

    /** Connect failures happen before a byte of the request left; anything later leaves the outcome open. */
    static SendOutcome networkFailure(Throwable t, Duration timeout) {
        if (t instanceof HttpConnectTimeoutException) {
            return SendOutcome.Failed.retryable("connect_timeout", "could not connect to the endpoint in time", true,
                    null);
        }
        if (t instanceof HttpTimeoutException) {
            return new SendOutcome.Ambiguous("no answer within " + timeout.toMillis()
                    + " ms after the request was sent");
        }
        if (causedBy(t, UnresolvedAddressException.class) || causedBy(t, UnknownHostException.class)) {
            return SendOutcome.Failed.retryable("dns_failure", "the endpoint's host name does not resolve", true,
                    null);
        }
        if (t instanceof ConnectException) {
            return SendOutcome.Failed.retryable("connection_refused", "could not connect to the endpoint", true, null);
        }
        if (t instanceof SSLHandshakeException) {
            return SendOutcome.Failed.retryable("tls_handshake_failed", "TLS handshake with the endpoint failed", true,
                    null);
        }
        return new SendOutcome.Ambiguous("connection failed during the request (" + t.getClass().getSimpleName() + ")");
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The endpoint's base URL without trailing slashes; only http(s). */
    static String base(Endpoint endpoint) {
        String base = endpoint.apiUrl().replaceAll("/+$", "");
        if (!base.startsWith("https://") && !base.startsWith("http://")) {
            throw new IllegalArgumentException("endpoint API URL must be http(s)");
        }
        return base;
    }

    static URI uri(Endpoint endpoint, String path) {
        return URI.create(base(endpoint) + path);
    }

    /** A value that goes into a URL path must be one plain segment: no '/', '..', '?' or encoding tricks. */
    static String segment(String value, String field) {
        if (value == null || !PATH_SEGMENT.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("endpoint " + field + " is missing or not a plain path segment");
        }
        return value;
    }

    /** Shortens a provider's message for a result reason: one line, at most {@code max} characters. */
    static String brief(String text, int max) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > max ? oneLine.substring(0, max) + "..." : oneLine;
    }
}
