package com.booqing.whatsapp.simulator.provider;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the endpoint server lends its provider: time, timers, the webhook target and a way to post webhooks the
 * provider raises on its own (session status changes, QR refreshes) in the order they were raised.
 */
public interface ProviderContext {

    Clock clock();

    /** Shared timer pool; tasks must be short and must not block. */
    ScheduledExecutorService scheduler();

    /** Posts a webhook with the shared retries, after the previously raised ones; skipped without a webhook URL. */
    void post(OutboundWebhook webhook);

    /** The endpoint's webhook URL, or null. */
    String webhookUrl();

    /** Changes the webhook URL, as a provider's own "set webhook" API does; null clears it. */
    void webhookUrl(String url);

    /** The endpoint's base URL, {@code http://127.0.0.1:<port>}. */
    String apiUrl();
}
