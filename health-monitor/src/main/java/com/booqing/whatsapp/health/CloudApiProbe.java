package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.health.provider.ProviderUrls;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Cloud API health: {@code GET {apiUrl}/{apiVersion}/{phoneNumberId}?fields=status,quality_rating,throughput}
 * with the access token (reference §1.4). Healthy when the number's {@code status} is CONNECTED and its
 * {@code quality_rating} is not RED (a field Graph leaves out counts as fine); anything else is a failure with the
 * reason.
 */
public final class CloudApiProbe implements EndpointProbe {
    static final String FIELDS = "status,quality_rating,throughput";

    private final ProviderHttp http;

    public CloudApiProbe(ProviderHttp http) {
        this.http = http;
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
        return http.send("GET", uri, Map.of("Authorization", "Bearer " + secretApiKey), null, timeout)
                .handle((answer, error) -> {
                    if (error != null) {
                        return ProbeResult.Down.of((ProviderCallException) error);
                    }
                    if (!answer.ok()) {
                        return ProbeResult.Down.of(answer, "access token");
                    }
                    return verdict(answer.body(), answer.latencyMs());
                });
    }

    static ProbeResult verdict(JsonNode body, long latency) {
        String status = ProviderHttp.word(body.path("status").asText(""));
        String quality = body.path("quality_rating").asText("");
        if (!status.isEmpty() && !status.equals("CONNECTED")) {
            return new ProbeResult.Down("phone number status " + status, latency, ProbeResult.Cause.NOT_WORKING,
                    status);
        }
        if ("RED".equals(quality)) {
            return new ProbeResult.Down("quality rating RED", latency, ProbeResult.Cause.NOT_WORKING,
                    status.isEmpty() ? null : status);
        }
        return new ProbeResult.Up(latency, status.isEmpty() ? null : status);
    }

    static URI phoneNumberUri(Endpoint endpoint) {
        return ProviderUrls.of(endpoint, "/" + ProviderUrls.segment(endpoint.apiVersion(), "apiVersion") + "/"
                + ProviderUrls.segment(endpoint.phoneNumberId(), "phoneNumberId") + "?fields=" + FIELDS);
    }
}
