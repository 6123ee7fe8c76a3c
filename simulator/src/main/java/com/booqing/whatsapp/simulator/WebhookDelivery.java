package com.booqing.whatsapp.simulator;

/**
 * What happened to the first attempt of a webhook the simulator posted on demand.
 * If that attempt failed the simulator keeps retrying in the background (see {@link WebhookStats}).
 *
 * @param wamid  the provider message id the webhook carried
 * @param status the HTTP status the webhook receiver answered, or 0 when no answer came (connection refused, timeout)
 * @param error  why there was no answer, or null
 */
public record WebhookDelivery(String wamid, int status, String error) {

    public boolean accepted() {
        return status >= 200 && status < 300;
    }
}
