package com.booqing.whatsapp.simulator.waha;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Messages as WAHA's WEBJS engine renders them. A send answers whatsapp-web.js' Message object as serialized by Nest
 * (its id is an object whose {@code _serialized} is the message id to keep; shape as in a captured WAHA sendText
 * response); webhooks carry WAHA's WAMessage (src/core/engines/webjs/session.webjs.core.ts toWAMessage):
 * {id, timestamp, from, fromMe, source, to, body, hasMedia, media, ack, ackName, location, vCards, _data}.
 */
final class WebjsMessages {

    private static final String[] ACK_NAMES = {"ERROR", "PENDING", "SERVER", "DEVICE", "READ", "PLAYED"};

    private final ObjectMapper json;

    WebjsMessages(ObjectMapper json) {
        this.json = json;
    }

    static String ackName(int ack) {
        return ack >= -1 && ack <= 4 ? ACK_NAMES[ack + 1] : "UNKNOWN";
    }

    /** The 201 answer of a send. */
    ObjectNode sendAnswer(WahaSent sent, String me) {
        ObjectNode root = json.createObjectNode();
        ObjectNode data = root.putObject("_data");
        data.set("id", messageKey(true, sent.chatId(), sent.id()));
        data.put("viewed", false);
        data.put("body", sent.body());
        data.put("type", sent.type());
        data.put("t", sent.timestamp());
        data.set("from", wid(me));
        data.set("to", wid(sent.chatId()));
        data.put("ack", 0);
        data.put("isNewMsg", true);
        data.put("star", false);
        data.put("isForwarded", false);
        data.put("hasReaction", false);
        root.set("id", messageKey(true, sent.chatId(), sent.id()));
        root.put("ack", 0);
        root.put("hasMedia", sent.hasMedia());
        root.put("body", sent.body());
        root.put("type", sent.type());
        root.put("timestamp", sent.timestamp());
        root.put("from", me);
        root.put("to", sent.chatId());
        root.put("deviceType", "web");
        root.put("isForwarded", false);
        root.put("forwardingScore", 0);
        root.put("isStatus", false);
        root.put("isStarred", false);
        root.put("fromMe", true);
        root.put("hasQuotedMsg", sent.reply());
        root.put("hasReaction", false);
        ArrayNode vCards = root.putArray("vCards");
        sent.vCards().forEach(vCards::add);
        root.putArray("mentionedIds");
        root.putArray("groupMentions");
        root.put("isGif", false);
        root.putArray("links");
        return root;
    }

    /** The WAMessage of a message we sent, as "message.ack" carries it. */
    ObjectNode ackPayload(WahaSent sent, String me, int ack) {
        ObjectNode payload = json.createObjectNode();
        payload.put("id", sent.serialized());
        payload.put("timestamp", sent.timestamp());
        payload.put("from", me);
        payload.put("fromMe", true);
        payload.put("source", "api");
        payload.put("to", sent.chatId());
        payload.put("body", sent.body());
        payload.put("hasMedia", sent.hasMedia());
        payload.putNull("media");
        payload.put("ack", ack);
        payload.put("ackName", ackName(ack));
        payload.putNull("location");
        ArrayNode vCards = payload.putArray("vCards");
        sent.vCards().forEach(vCards::add);
        ObjectNode data = payload.putObject("_data");
        data.set("id", messageKey(true, sent.chatId(), sent.id()));
        data.put("body", sent.body());
        data.put("type", sent.type());
        data.put("t", sent.timestamp());
        data.put("from", me);
        data.put("to", sent.chatId());
        data.put("ack", ack);
        return payload;
    }

    /**
     * An incoming text ("message" event). {@code from} is "<digits>@c.us" or "<digits>@lid"; when a LID sender's phone
     * number is known it is given as {@code _data.key.remoteJidAlt} ("<digits>@s.whatsapp.net", the field WAHA's own
     * src/core/utils/jids.ts reads), since WEBJS puts no phone number next to a LID.
     */
    ObjectNode inboundPayload(String id, String from, String me, String body, String pushName, long timestamp,
                              String altPhone) {
        ObjectNode payload = json.createObjectNode();
        payload.put("id", WahaIds.serialized(false, from, id));
        payload.put("timestamp", timestamp);
        payload.put("from", from);
        payload.put("fromMe", false);
        payload.put("source", "app");
        payload.put("to", me);
        payload.put("body", body);
        payload.put("hasMedia", false);
        payload.putNull("media");
        payload.put("ack", 1);
        payload.put("ackName", ackName(1));
        payload.putNull("location");
        payload.putArray("vCards");
        ObjectNode data = payload.putObject("_data");
        data.set("id", messageKey(false, from, id));
        data.put("body", body);
        data.put("type", "chat");
        data.put("t", timestamp);
        if (pushName != null) {
            data.put("notifyName", pushName);
        }
        data.put("from", from);
        data.put("to", me);
        data.put("ack", 1);
        data.put("isNewMsg", true);
        if (altPhone != null) {
            ObjectNode key = data.putObject("key");
            key.put("remoteJid", from);
            key.put("remoteJidAlt", altPhone + "@s.whatsapp.net");
            key.put("fromMe", false);
            key.put("id", id);
            key.put("addressingMode", "lid");
        }
        return payload;
    }

    private ObjectNode messageKey(boolean fromMe, String chatId, String id) {
        ObjectNode key = json.createObjectNode();
        key.put("fromMe", fromMe);
        key.put("remote", chatId);
        key.put("id", id);
        key.put("_serialized", WahaIds.serialized(fromMe, chatId, id));
        return key;
    }

    private ObjectNode wid(String jid) {
        ObjectNode wid = json.createObjectNode();
        int at = jid.indexOf('@');
        wid.put("server", at < 0 ? "c.us" : jid.substring(at + 1));
        wid.put("user", at < 0 ? jid : jid.substring(0, at));
        wid.put("_serialized", jid);
        return wid;
    }
}
