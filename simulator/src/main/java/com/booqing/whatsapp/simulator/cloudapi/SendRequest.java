package com.booqing.whatsapp.simulator.cloudapi;

/**
 * A validated body of {@code POST /{version}/{phone-number-id}/messages}.
 *
 * @param input        the "to" exactly as the sender wrote it (echoed as contacts[].input)
 * @param waId         the recipient's WhatsApp id (digits)
 * @param type         message type, e.g. "text"
 * @param callbackData biz_opaque_callback_data, or null
 */
record SendRequest(String input, String waId, String type, String callbackData) {
}
