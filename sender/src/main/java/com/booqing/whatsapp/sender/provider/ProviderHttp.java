package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Without a charset parameter: JSON is UTF-8 by definition, and some providers' parsers reject the suffix. */
    private static final ContentType JSON = ContentType.create("application/json");
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

    private final ProviderClient client;

    ProviderHttp(ProviderClient client) {
        this.client = client;
    }

    /**
     * The call every adapter makes: a JSON body, a timeout, and the endpoint's key in {@code keyHeader} when it
     * has one. A 2xx answer is read by {@code success}, any other by {@code errors}; no answer is a network outcome.
     */
    SendOutcome sendJson(String method, URI uri, byte[] body, String keyHeader, String key, Duration timeout,
                         Function<Answer, SendOutcome> success, ErrorAnswers errors) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
        request.setHeader("Accept", "application/json");
        if (key != null) {
            request.setHeader(keyHeader, key);
        }
        request.setEntity(new ByteArrayEntity(body, JSON));
        Exchange exchange = exchange(request, timeout);
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
     * One exchange on the calling worker's thread. The timeout bounds the wait for the answer's head (and any silence
     * after it); the whole answer must then be in by {@code timeout + BODY_GRACE} after the call began, or the call is
     * aborted (its connection closed) and the outcome is ambiguous: a body trickling in cannot hold a worker. At most
     * {@link #MAX_RESPONSE_BYTES} of a body are read; a longer one is cut there and its connection dropped.
     */
    Exchange exchange(HttpUriRequestBase request, Duration timeout) {
        Timeout t = Timeout.of(timeout);
        request.setConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t)
                .setRedirectsEnabled(false).build());
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = client.at(timeout.plus(BODY_GRACE), () -> {
            late.set(true);
            request.cancel();
        });
        try {
            CloseableHttpResponse response = client.http().execute(request, (HttpContext) null);
            try {
                byte[] answer = read(response.getEntity(), request);
                Header retryAfter = response.getFirstHeader("Retry-After");
                return new Answer(response.getCode(), answer,
                        retryAfter == null ? Optional.empty() : Optional.ofNullable(retryAfter.getValue()));
            } finally {
                closeQuietly(response);
            }
        } catch (IOException e) {
            if (late.get()) {
                return new NoAnswer(new SendOutcome.Ambiguous("no complete answer within " + timeout.toMillis()
                        + " ms"));
            }
            return new NoAnswer(networkFailure(e, timeout));
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * At most MAX_RESPONSE_BYTES. Read to its end, a body gives its connection back to the pool; a longer one aborts
     * the exchange, because closing its stream would read (drain) the rest of it, however large, to keep the
     * connection.
     */
    private static byte[] read(HttpEntity entity, HttpUriRequestBase request) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        InputStream in = entity.getContent();
        byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
        if (bytes.length > MAX_RESPONSE_BYTES) {
            request.cancel();
            return Arrays.copyOf(bytes, MAX_RESPONSE_BYTES);
        }
        in.close();
        return bytes;
    }

    /** The answer is already read; a failure while letting go of its connection changes nothing about it. */
    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is discarded either way
        }
    }

    /** Failures before a byte of the request left are certainly not sent; anything later leaves the outcome open. */
    static SendOutcome networkFailure(Throwable t, Duration timeout) {
        if (t instanceof ProviderClient.RefusedAddressException refused) {
            return refused.outcome();
        }
        if (t instanceof ConnectTimeoutException) {
            return SendOutcome.Failed.retryable("connect_timeout", "could not connect to the endpoint in time", true,
                    null);
        }
        if (t instanceof ConnectionRequestTimeoutException) {
            return SendOutcome.Failed.retryable("connection_pool_exhausted",
                    "no connection to the endpoint became free in time", true, null);
        }
        if (t instanceof UnknownHostException) {
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
        if (t instanceof RequestNotExecutedException) {
            return SendOutcome.Failed.retryable("connection_closed", "the connection closed before the request was "
                    + "sent", true, null);
        }
        if (t instanceof SocketTimeoutException) {
            return new SendOutcome.Ambiguous("no answer within " + timeout.toMillis()
                    + " ms after the request was sent");
        }
        if (t instanceof InterruptedIOException) {
            return new SendOutcome.Ambiguous("interrupted while waiting for the provider");
        }
        return new SendOutcome.Ambiguous("connection failed during the request (" + t.getClass().getSimpleName() + ")");
    }


    /** The endpoint's base URL without trailing slashes; only http(s). */
    static String base(Endpoint endpoint) {
        String url = endpoint.apiUrl();
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        String base = url.substring(0, end);
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
