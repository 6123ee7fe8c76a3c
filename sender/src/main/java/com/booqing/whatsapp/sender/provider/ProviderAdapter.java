package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendCommand;

import java.time.Duration;
import java.util.Set;

/**
 * Sends one message through one kind of WhatsApp API server. An adapter makes exactly one provider call per
 * {@link #send}; retries, failover and rate limits belong to the caller. It never throws for provider or network
 * trouble: every way a call can end is a {@link SendOutcome}.
 */
public interface ProviderAdapter {

    ProviderType provider();

    /** The {@link com.booqing.whatsapp.common.message.MessageContent#kind() content kinds} it can send. */
    Set<String> capabilities();

    /** Why a kind outside {@link #capabilities()} cannot be sent; shown in the failed result. */
    default String unsupportedReason(String kind) {
        return "the provider has no documented way to send it";
    }

    /**
     * @param secretApiKey the endpoint's opened API key, or null when the endpoint has none; the adapter never
     *                     logs it or puts it in an outcome
     * @param command      with {@code to} already normalised to E.164
     */
    SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout);
}
