package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.SendCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Meta WhatsApp Cloud API: {@code POST {apiUrl}/{apiVersion}/{phoneNumberId}/messages} with the access token as
 * a Bearer token (reference §1.3). Redirects are not followed: a token must never be replayed to another host.
 */
public final class CloudApiAdapter implements ProviderAdapter {
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    /** Beyond the request timeout, how long a body that trickles in may still take. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(2);

    private final HttpClient http;
    private final ObjectMapper mapper = Json.lenient();
    private final CloudApiMessages messages = new CloudApiMessages(mapper);
    private final GraphErrors errors = new GraphErrors(mapper);

    public CloudApiAdapter(HttpClient http) {
        this.http = http;
    }

    /** The client the sender uses: no redirects, a bounded connect time. */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public ProviderType provider() {
        return ProviderType.CLOUD_API;
    }

    @Override
    public Set<String> capabilities() {
        return CloudApiMessages.KINDS;
    }

    @Override
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        URI uri;
        try {
            uri = messagesUri(endpoint);
        } catch (IllegalArgumentException e) {
            return SendOutcome.Failed.permanent("endpoint_misconfigured", e.getMessage());
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(messages.body(command));
        } catch (InvalidContentException e) {
            return SendOutcome.Failed.permanent("invalid_content", e.getMessage());
        } catch (IOException e) {
            return SendOutcome.Failed.permanent("invalid_content", "message cannot be encoded");
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + secretApiKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, LimitedBody.handler(MAX_RESPONSE_BYTES));
        try {
            HttpResponse<byte[]> response = call.get(timeout.plus(BODY_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            return interpret(response);
        } catch (ExecutionException e) {
            return networkFailure(e.getCause() == null ? e : e.getCause(), timeout);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new SendOutcome.Ambiguous("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new SendOutcome.Ambiguous("interrupted while waiting for the provider");
        }
    }

    private SendOutcome interpret(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            String id = messageId(response.body());
            return id != null ? new SendOutcome.Sent(id)
                    : new SendOutcome.Ambiguous("HTTP " + status + " without a message id");
        }
        return errors.classify(status, response.body(), response.headers().firstValue("Retry-After"));
    }

    private String messageId(byte[] body) {
        try {
            JsonNode id = mapper.readTree(body).path("messages").path(0).path("id");
            return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Connect failures happen before a byte of the request left; anything later leaves the outcome open. */
    private static SendOutcome networkFailure(Throwable t, Duration timeout) {
        if (t instanceof HttpConnectTimeoutException) {
            return SendOutcome.Failed.retryable("connect_timeout", "could not connect to the endpoint in time", true, null);
        }
        if (t instanceof HttpTimeoutException) {
            return new SendOutcome.Ambiguous("no answer within " + timeout.toMillis() + " ms after the request was sent");
        }
        if (t instanceof ConnectException) {
            return SendOutcome.Failed.retryable("connection_refused", "could not connect to the endpoint", true, null);
        }
        if (t instanceof SSLHandshakeException) {
            return SendOutcome.Failed.retryable("tls_handshake_failed", "TLS handshake with the endpoint failed", true, null);
        }
        return new SendOutcome.Ambiguous("connection failed during the request (" + t.getClass().getSimpleName() + ")");
    }

    static URI messagesUri(Endpoint endpoint) {
        String base = endpoint.apiUrl().replaceAll("/+$", "");
        if (!base.startsWith("https://") && !base.startsWith("http://")) {
            throw new IllegalArgumentException("endpoint API URL must be http(s)");
        }
        return URI.create(base + "/" + segment(endpoint.apiVersion(), "apiVersion") + "/"
                + segment(endpoint.phoneNumberId(), "phoneNumberId") + "/messages");
    }

    static String segment(String value, String field) {
        if (value == null || !PATH_SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("endpoint " + field + " is missing or not a plain path segment");
        }
        return value;
    }
}
