package com.booqing.whatsapp.simulator;

import java.util.Map;

/**
 * What the admin API shows about an endpoint; never a secret.
 *
 * @param listening        false while the endpoint is dark
 * @param webhookUrl       where its webhooks go, or null
 * @param recordedRequests requests currently kept in its log
 * @param settings         provider settings without secrets
 */
public record EndpointInfo(String id, String provider, String apiUrl, boolean listening, String webhookUrl,
                           boolean receipts, Fault fault, int recordedRequests, WebhookStats webhooks,
                           Map<String, Object> settings) {
}
