package com.booqing.whatsapp.simulator.cloudapi;

import com.booqing.whatsapp.simulator.Receipt;
import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.booqing.whatsapp.simulator.provider.SentMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cloud API webhook bodies (provider-wire-formats.md §1.1; fixture shapes as in Meta's OpenAPI examples and
 * pywa tests/data/updates/message_status.json): {object, entry[{id, changes[{value, field:"messages"}]}]}.
 */
final class CloudApiWebhooks {

    private final ObjectMapper json;
    private final CloudApiSettings settings;

    CloudApiWebhooks(ObjectMapper json, CloudApiSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    OutboundWebhook inboundText(String wamid, InboundText message) {
        ObjectNode value = value();
        ArrayNode contacts = value.putArray("contacts");
        ObjectNode contact = contacts.addObject();
        contact.putObject("profile").put("name", message.name() == null ? "" : message.name());
        contact.put("wa_id", message.from());
        ObjectNode msg = value.putArray("messages").addObject();
        msg.put("from", message.from());
        msg.put("id", wamid);
        msg.put("timestamp", seconds(message.at()));
        msg.putObject("text").put("body", message.text());
        msg.put("type", "text");
        return signed(wamid, "message", value);
    }

    /**
     * One status. Conversation and pricing ride on sent/delivered/read as in the pywa fixtures
     * (expiration_timestamp only on "sent"); a failed status carries errors[] instead.
     */
    OutboundWebhook status(SentMessage message, Receipt receipt, Instant at, Conversation conversation,
                           StatusError error) {
        ObjectNode value = value();
        ObjectNode status = value.putArray("statuses").addObject();
        status.put("id", message.messageId());
        status.put("status", receipt.wireName());
        status.put("timestamp", seconds(at));
        status.put("recipient_id", message.recipient());
        if (message.callbackData() != null) {
            status.put("biz_opaque_callback_data", message.callbackData());
        }
        if (receipt == Receipt.FAILED) {
            ObjectNode err = status.putArray("errors").addObject();
            err.put("code", error.code());
            err.put("title", error.title());
            err.put("message", error.title());
            err.putObject("error_data").put("details", error.details());
            err.put("href", "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/");
        } else {
            ObjectNode conv = status.putObject("conversation");
            conv.put("id", conversation.id());
            if (receipt == Receipt.SENT) {
                conv.put("expiration_timestamp", seconds(conversation.startedAt().plus(Duration.ofHours(24))));
            }
            conv.putObject("origin").put("type", conversation.category());
            ObjectNode pricing = status.putObject("pricing");
            pricing.put("billable", true);
            pricing.put("pricing_model", "CBP");
            pricing.put("category", conversation.category());
        }
        return signed(message.messageId(), "status:" + receipt.wireName(), value);
    }

    private ObjectNode value() {
        ObjectNode value = json.createObjectNode();
        value.put("messaging_product", "whatsapp");
        ObjectNode metadata = value.putObject("metadata");
        metadata.put("display_phone_number", settings.displayPhoneNumber());
        metadata.put("phone_number_id", settings.phoneNumberId());
        return value;
    }

    private OutboundWebhook signed(String messageId, String kind, ObjectNode value) {
        ObjectNode root = json.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", settings.wabaId());
        ObjectNode change = entry.putArray("changes").addObject();
        change.set("value", value);
        change.put("field", "messages");
        byte[] body;
        try {
            body = json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render webhook", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(HubSignature.HEADER, HubSignature.sign(settings.appSecret(), body));
        return new OutboundWebhook(messageId, kind, body, headers);
    }

    private static String seconds(Instant at) {
        return Long.toString(at.getEpochSecond());
    }

    /** The 24-hour conversation window a status belongs to. */
    record Conversation(String id, String category, Instant startedAt) {
    }

    /** The error a failed status reports. */
    record StatusError(int code, String title, String details) {

        static StatusError undeliverable() {
            return new StatusError(131026, "Message undeliverable",
                    "Message Undeliverable.");
        }
    }
}
