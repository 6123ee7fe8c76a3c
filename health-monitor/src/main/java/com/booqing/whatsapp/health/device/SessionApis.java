package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.health.provider.SessionApi;
import com.booqing.whatsapp.health.provider.SessionCall;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The session APIs by provider; opens an endpoint's key just for the call. */
public final class SessionApis {
    private final Map<ProviderType, SessionApi> byProvider = new EnumMap<>(ProviderType.class);
    private final SecretBox secrets;
    private final Duration timeout;

    public SessionApis(List<SessionApi> apis, SecretBox secrets, Duration timeout) {
        apis.forEach(a -> byProvider.put(a.provider(), a));
        this.secrets = secrets;
        this.timeout = timeout;
    }

    public Optional<SessionApi> api(ProviderType provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    /** @throws IllegalStateException with a publishable message when the key is missing or does not open */
    public SessionCall call(Endpoint endpoint) {
        if (endpoint.apiKey() == null) {
            throw new IllegalStateException("endpoint has no API key");
        }
        try {
            return new SessionCall(endpoint, secrets.openString(endpoint.apiKey(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "apiKey")), timeout);
        } catch (SecretBox.SealedSecretException e) {
            throw new IllegalStateException("API key cannot be opened: " + e.getMessage());
        }
    }
}
