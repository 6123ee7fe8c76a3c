package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.health.provider.ProviderUrls;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * WAHA health: {@code GET {apiUrl}/api/sessions/{sessionName}} with {@code X-Api-Key} (reference §2.4). Healthy
 * when the session is WORKING; any other status is a failure naming it.
 */
public final class WahaProbe implements EndpointProbe {
    private final ProviderHttp http;

    public WahaProbe(ProviderHttp http) {
        this.http = http;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.WAHA;
    }

    @Override
    public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
        URI uri;
        try {
            uri = ProviderUrls.of(endpoint, "/api/sessions/" + ProviderUrls.segment(endpoint.sessionName(),
                    "sessionName"));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new ProbeResult.Down(e.getMessage(), null));
        }
        return http.send("GET", uri, Map.of("X-Api-Key", secretApiKey), null, timeout)
                .handle((answer, error) -> {
                    if (error != null) {
                        return ProbeResult.Down.of((ProviderCallException) error);
                    }
                    if (answer.status() == 404) {
                        return new ProbeResult.Down("session " + endpoint.sessionName() + " not found",
                                answer.latencyMs(), ProbeResult.Cause.SESSION_MISSING, null);
                    }
                    if (!answer.ok()) {
                        return ProbeResult.Down.of(answer, "API key");
                    }
                    String status = ProviderHttp.word(answer.body().path("status").asText(""));
                    if (status.equals("WORKING")) {
                        return new ProbeResult.Up(answer.latencyMs(), status);
                    }
                    return new ProbeResult.Down("session status " + (status.isEmpty() ? "missing" : status),
                            answer.latencyMs(), ProbeResult.Cause.NOT_WORKING, status.isEmpty() ? null : status);
                });
    }
}
