package com.booqing.whatsapp.simulator;

/**
 * Counters of the webhooks one simulated endpoint posted.
 *
 * @param posted    webhooks handed to the poster (inbound messages and receipts)
 * @param attempts  HTTP attempts made, first tries and retries
 * @param retries   attempts that were retries
 * @param delivered webhooks that were eventually answered 2xx
 * @param abandoned webhooks given up after the last retry
 * @param skipped   webhooks not posted because the endpoint has no webhook URL
 */
public record WebhookStats(long posted, long attempts, long retries, long delivered, long abandoned, long skipped) {
}
