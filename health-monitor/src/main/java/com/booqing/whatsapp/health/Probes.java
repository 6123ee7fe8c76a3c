package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The probes the monitor has, by provider. Each endpoint's key is opened once per sealed value, not per check: at
 * 1,700 checks a second the cipher lookup and AES key schedule of every open were a tenth of the monitor's scheduler
 * thread (JFR), as in the sender ({@code OpenedSecrets}). An opened key is kept under its endpoint's id together with
 * the very sealed value it came from, and used only for that same value (the record the view holds): a changed
 * endpoint is a new record and is opened again, with its own context, and a value copied to another endpoint never
 * matches. {@link #forget} drops an endpoint the monitor no longer checks.
 */
public final class Probes {
    public static final String NOT_SUPPORTED = "probe not supported yet";

    private record Opened(Sealed sealed, String key) {
    }

    private final Map<ProviderType, EndpointProbe> byProvider = new EnumMap<>(ProviderType.class);
    private final SecretBox secrets;
    private final Map<String, Opened> opened = new ConcurrentHashMap<>();

    public Probes(List<EndpointProbe> probes, SecretBox secrets) {
        probes.forEach(p -> byProvider.put(p.provider(), p));
        this.secrets = secrets;
    }

    /** The endpoint is no longer checked here: its opened key is dropped. */
    public void forget(String endpointId) {
        opened.remove(endpointId);
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
        Opened cached = opened.get(endpoint.id());
        if (cached != null && cached.sealed() == endpoint.apiKey()) {
            key = cached.key();
        } else {
            try {
                key = secrets.openString(endpoint.apiKey(),
                        Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "apiKey"));
            } catch (SecretBox.SealedSecretException e) {
                opened.remove(endpoint.id());
                return CompletableFuture.completedFuture(
                        new ProbeResult.Down("API key cannot be opened: " + e.getMessage(), null));
            }
            opened.put(endpoint.id(), new Opened(endpoint.apiKey(), key));
        }
        try {
            return probe.probe(endpoint, key, timeout);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult.Down("probe failed (" + e.getClass().getSimpleName() + ")", null));
        }
    }
}
