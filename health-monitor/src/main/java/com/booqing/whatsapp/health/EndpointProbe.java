package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Checks one kind of endpoint without blocking. The future always completes, with a result, within the timeout. */
public interface EndpointProbe {

    ProviderType provider();

    CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout);
}
