package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The probes the monitor has, by provider; opens each endpoint's key just for the call. */
public final class Probes {
    public static final String NOT_SUPPORTED = "probe not supported yet";

    private final Map<ProviderType, EndpointProbe> byProvider = new EnumMap<>(ProviderType.class);
    private final SecretBox secrets;

    public Probes(List<EndpointProbe> probes, SecretBox secrets) {
        probes.forEach(p -> byProvider.put(p.provider(), p));
        this.secrets = secrets;
    }

    public CompletableFuture<ProbeResult> probe(Endpoint endpoint, Duration timeout) {
        EndpointProbe probe = byProvider.get(endpoint.provider());
        if (probe == null) {
            return CompletableFuture.completedFuture(new ProbeResult.NotProbed(NOT_SUPPORTED));
        }
        if (endpoint.apiKey() == null) {
            return CompletableFuture.completedFuture(new ProbeResult.Down("endpoint has no API key", null));
        }
        String key;
        try {
            key = secrets.openString(endpoint.apiKey(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "apiKey"));
        } catch (SecretBox.SealedSecretException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult.Down("API key cannot be opened: " + e.getMessage(), null));
        }
        try {
            return probe.probe(endpoint, key, timeout);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult.Down("probe failed (" + e.getClass().getSimpleName() + ")", null));
        }
    }
}
