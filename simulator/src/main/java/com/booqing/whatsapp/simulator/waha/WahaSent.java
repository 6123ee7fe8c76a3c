package com.booqing.whatsapp.simulator.waha;

import java.util.List;

/**
 * A message sent through the WAHA API, as WEBJS knows it.
 *
 * @param id     the WhatsApp message id ("3EB0…")
 * @param chatId where it went ("…@c.us", "…@g.us", "…@lid")
 * @param type   whatsapp-web.js message type: chat, image, document, ptt, video, location, vcard, poll_creation, list…
 * @param body   text, caption or "" for media without caption
 * @param timestamp unix seconds
 */
record WahaSent(String id, String chatId, String type, String body, boolean hasMedia, List<String> vCards,
                boolean reply, long timestamp) {

    WahaSent {
        vCards = vCards == null ? List.of() : List.copyOf(vCards);
        body = body == null ? "" : body;
    }

    String serialized() {
        return WahaIds.serialized(true, chatId, id);
    }
}
