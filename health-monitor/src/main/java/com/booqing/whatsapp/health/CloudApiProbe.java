package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Cloud API health: {@code GET {apiUrl}/{apiVersion}/{phoneNumberId}} with the access token (reference §1.4).
 * A 2xx answer means the Graph API is reachable and the token and number are good; anything else is a failure.
 * Redirects are not followed, so the token never travels to another host.
 */
public final class CloudApiProbe implements EndpointProbe {
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Duration BODY_GRACE = Duration.ofSeconds(2);

    private final HttpClient http;

    public CloudApiProbe(HttpClient http) {
        this.http = http;
    }

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
    public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
        URI uri;
        try {
            uri = phoneNumberUri(endpoint);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new ProbeResult.Down(e.getMessage(), null));
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + secretApiKey)
                .header("Accept", "application/json")
                .GET()
                .build();
        long started = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .orTimeout(timeout.plus(BODY_GRACE).toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    if (error != null) {
                        return new ProbeResult.Down(describe(error, timeout), latency);
                    }
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return new ProbeResult.Up(latency);
                    }
                    return new ProbeResult.Down(status == 401 || status == 403
                            ? "HTTP " + status + ": access token rejected" : "HTTP " + status, latency);
                });
    }

    private static String describe(Throwable error, Duration timeout) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        return "connection failed (" + t.getClass().getSimpleName() + ")";
    }

    static URI phoneNumberUri(Endpoint endpoint) {
        String base = endpoint.apiUrl().replaceAll("/+$", "");
        if (!base.startsWith("https://") && !base.startsWith("http://")) {
            throw new IllegalArgumentException("endpoint API URL must be http(s)");
        }
        return URI.create(base + "/" + segment(endpoint.apiVersion(), "apiVersion") + "/"
                + segment(endpoint.phoneNumberId(), "phoneNumberId"));
    }

    private static String segment(String value, String field) {
        if (value == null || !PATH_SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("endpoint " + field + " is missing or not a plain path segment");
        }
        return value;
    }
}
