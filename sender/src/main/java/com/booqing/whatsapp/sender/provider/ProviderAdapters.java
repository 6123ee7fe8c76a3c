package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendCommand;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The adapters the sender has, by provider. A provider without one is refused rather than half-served. */
public final class ProviderAdapters {
    public static final String NOT_SUPPORTED = "provider_not_supported";
    public static final String UNSUPPORTED_CONTENT = "unsupported_content";

    private final Map<ProviderType, ProviderAdapter> byProvider = new EnumMap<>(ProviderType.class);
    private final EndpointAddressCheck addresses;

    public ProviderAdapters(List<ProviderAdapter> adapters, EndpointAddressCheck addresses) {
        this.addresses = addresses;
        for (ProviderAdapter a : adapters) {
            if (byProvider.put(a.provider(), a) != null) {
                throw new IllegalArgumentException("two adapters for " + a.provider());
            }
        }
    }

    public Optional<ProviderAdapter> forProvider(ProviderType provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }

    public Collection<ProviderAdapter> all() {
        return byProvider.values();
    }

    /**
     * Refusals that need no provider call: an unknown provider, content the provider cannot carry, or an endpoint
     * URL that may not be called. All are about the endpoint, not the message, so another endpoint of the tenant
     * may still take it.
     */
    public Optional<SendOutcome.Failed> refusal(Endpoint endpoint, SendCommand command) {
        ProviderAdapter adapter = byProvider.get(endpoint.provider());
        if (adapter == null) {
            return Optional.of(SendOutcome.Failed.endpointRejected(NOT_SUPPORTED,
                    "provider not supported yet: " + endpoint.provider().wireName()));
        }
        String kind = command.message().kind();
        if (!adapter.capabilities().contains(kind)) {
            return Optional.of(SendOutcome.Failed.endpointRejected(UNSUPPORTED_CONTENT,
                    endpoint.provider().wireName() + " cannot send '" + kind + "' messages: "
                            + adapter.unsupportedReason(kind)));
        }
        return addresses.refusal(endpoint);
    }

    /** Sends through the endpoint's adapter, or returns the refusal. */
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        Optional<SendOutcome.Failed> refused = refusal(endpoint, command);
        if (refused.isPresent()) {
            return refused.get();
        }
        return byProvider.get(endpoint.provider()).send(endpoint, secretApiKey, command, timeout);
    }
}
