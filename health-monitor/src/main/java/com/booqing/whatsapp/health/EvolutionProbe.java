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
 * Evolution API health: {@code GET {apiUrl}/instance/connectionState/{instanceName}} with {@code apikey}
 * (reference §3.4). Healthy when the instance's state is "open"; "connecting" or "close" is a failure naming it.
 */
public final class EvolutionProbe implements EndpointProbe {
    private final ProviderHttp http;

    public EvolutionProbe(ProviderHttp http) {
        this.http = http;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.EVOLUTION;
    }

    @Override
    public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
        URI uri;
        try {
            uri = ProviderUrls.of(endpoint, "/instance/connectionState/"
                    + ProviderUrls.segment(endpoint.instanceName(), "instanceName"));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new ProbeResult.Down(e.getMessage(), null));
        }
        return http.send("GET", uri, Map.of("apikey", secretApiKey), null, timeout)
                .handle((answer, error) -> {
                    if (error != null) {
                        return ProbeResult.Down.of((ProviderCallException) error);
                    }
                    if (answer.status() == 404) {
                        return new ProbeResult.Down("instance " + endpoint.instanceName() + " not found",
                                answer.latencyMs(), ProbeResult.Cause.SESSION_MISSING, null);
                    }
                    if (!answer.ok()) {
                        return ProbeResult.Down.of(answer, "API key");
                    }
                    String state = ProviderHttp.word(answer.body().path("instance").path("state").asText(""));
                    if (state.equals("open")) {
                        return new ProbeResult.Up(answer.latencyMs(), state);
                    }
                    return new ProbeResult.Down("instance state " + (state.isEmpty() ? "missing" : state),
                            answer.latencyMs(), ProbeResult.Cause.NOT_WORKING, state.isEmpty() ? null : state);
                });
    }
}
