package com.booqing.whatsapp.simulator.provider;

import java.time.Instant;

/**
 * A message a provider accepted for sending.
 *
 * @param messageId    the provider's id for it (Cloud API: wamid)
 * @param recipient    the recipient's WhatsApp id
 * @param type         the message type as the provider named it
 * @param callbackData opaque data the sender asked to see again in receipts (Cloud API biz_opaque_callback_data), or null
 */
public record SentMessage(String messageId, String recipient, String type, String callbackData, Instant acceptedAt) {
}
