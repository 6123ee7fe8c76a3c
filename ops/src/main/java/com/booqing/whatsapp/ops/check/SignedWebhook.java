package com.booqing.whatsapp.ops.check;

import java.util.Map;

/** A webhook body and the headers that sign it, as the endpoint's provider would post it. */
record SignedWebhook(byte[] body, Map<String, String> headers, String providerMessageId) {
}
