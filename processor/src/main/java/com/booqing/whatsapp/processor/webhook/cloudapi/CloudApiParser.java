package com.booqing.whatsapp.processor.webhook.cloudapi;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.event.UnknownEvent;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.webhook.Fields;
import com.booqing.whatsapp.processor.webhook.JsonPayload;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.booqing.whatsapp.processor.webhook.PhoneNumbers;
import com.booqing.whatsapp.processor.webhook.WebhookParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Meta's WhatsApp Cloud API webhooks ({@code object: whatsapp_business_account}). One POST can batch several
 * {@code entry[]}, each with several {@code changes[]}; every message, status and error in them becomes one
 * event:
 * <ul>
 *   <li>{@code value.messages[]} -> {@link InboundMessage}, event id from (tenant, "cloud-api", wamid);</li>
 *   <li>{@code value.statuses[]} -> {@link MessageStatusUpdate}, event id from (tenant, "cloud-api", wamid,
 *       status); a status word the gateway does not know becomes an {@link UnknownEvent}. The gateway's message
 *       id, echoed in {@code biz_opaque_callback_data}, is kept as {@code messageId}: it finds the message even
 *       when the sender never learnt the wamid (an ambiguous send);</li>
 *   <li>{@code value.errors[]} and changes of any other {@code field} -> {@link UnknownEvent}s. They carry no
 *       provider id, so their event id is derived from the raw webhook's request id and their position: a
 *       replay of the raw topic is deduplicated, a second HTTP delivery of the same error is not (a repeated
 *       error is better seen twice than lost).</li>
 * </ul>
 * The tenant and endpoint come from the raw webhook (the ingress verified the signature for that endpoint);
 * {@code metadata.phone_number_id} is not cross-checked here.
 */
public final class CloudApiParser implements WebhookParser {
    static final String PROVIDER = ProviderType.CLOUD_API.wireName();
    private static final String OBJECT = "whatsapp_business_account";
    private static final String MESSAGE_ID_PREFIX = "msg_";

    @Override
    public ProviderType provider() {
        return ProviderType.CLOUD_API;
    }

    @Override
    public ParseResult parse(RawWebhook webhook) {
        JsonNode root;
        try {
            root = JsonPayload.read(webhook.body());
        } catch (JsonPayload.UnreadableException e) {
            return ParseResult.rejected(e.getMessage());
        }
        if (!root.isObject()) {
            return ParseResult.rejected("not a Cloud API webhook: body is not a JSON object");
        }
        JsonNode object = root.get("object");
        if (object != null && !OBJECT.equals(object.asText())) {
            return ParseResult.rejected("not a Cloud API webhook: object is not " + OBJECT);
        }
        JsonNode entries = root.get("entry");
        if (entries == null || !entries.isArray()) {
            return ParseResult.rejected("not a Cloud API webhook: no entry array");
        }
        Batch batch = new Batch(webhook);
        for (int i = 0; i < entries.size(); i++) {
            readEntry(batch, entries.get(i), "entry[" + i + "]");
        }
        return new ParseResult(batch.events, batch.problems);
    }

    private void readEntry(Batch batch, JsonNode entry, String path) {
        JsonNode changes = entry.get("changes");
        if (!entry.isObject() || changes == null || !changes.isArray()) {
            batch.problems.add(path + ": no changes array");
            return;
        }
        Instant entryTime = Fields.epochSeconds(entry.get("time"));
        for (int j = 0; j < changes.size(); j++) {
            String changePath = path + ".changes[" + j + "]";
            JsonNode change = changes.get(j);
            JsonNode value = change.get("value");
            String field = Fields.text(change, "field");
            if (!change.isObject() || value == null || !value.isObject() || field == null) {
                batch.problems.add(changePath + ": no field or value");
            } else if ("messages".equals(field)) {
                readMessagesValue(batch, value, changePath + ".value");
            } else {
                batch.unknown(field, change, changePath, entryTime);
            }
        }
    }

    private void readMessagesValue(Batch batch, JsonNode value, String path) {
        JsonNode messages = value.get("messages");
        JsonNode statuses = value.get("statuses");
        JsonNode errors = value.get("errors");
        if (!isArray(messages) && !isArray(statuses) && !isArray(errors)) {
            batch.unknown("messages", value, path, null);
            return;
        }
        JsonNode contacts = value.get("contacts");
        if (isArray(messages)) {
            for (int k = 0; k < messages.size(); k++) {
                readMessage(batch, messages.get(k), contacts, path + ".messages[" + k + "]");
            }
        }
        if (isArray(statuses)) {
            for (int k = 0; k < statuses.size(); k++) {
                readStatus(batch, statuses.get(k), path + ".statuses[" + k + "]");
            }
        }
        if (isArray(errors)) {
            for (int k = 0; k < errors.size(); k++) {
                batch.unknown("errors", errors.get(k), path + ".errors[" + k + "]", null);
            }
        }
    }

    private void readMessage(Batch batch, JsonNode message, JsonNode contacts, String path) {
        String wamid = Fields.text(message, "id");
        if (!message.isObject() || wamid == null || wamid.isBlank()) {
            batch.problems.add(path + ": missing id");
            return;
        }
        RawWebhook w = batch.webhook;
        String from = Fields.text(message, "from");
        Instant at = orElse(Fields.epochSeconds(message.get("timestamp")), w.receivedAt());
        MessageContent content = CloudApiContent.of(message);
        InboundMessage inbound = new InboundMessage(
                EventIds.inboundMessageId(w.tenantId(), wamid),
                wamid,
                w.tenantId(),
                w.endpointId(),
                ProviderType.CLOUD_API,
                PhoneNumbers.conversationPhone(from),
                null,
                contactName(contacts, from),
                at,
                content,
                Fields.text(message.get("context"), "id"));
        batch.events.add(new Envelope(EventIds.eventId(w.tenantId(), PROVIDER, wamid), w.tenantId(), at,
                w.requestId(), inbound));
    }

    private void readStatus(Batch batch, JsonNode status, String path) {
        String wamid = Fields.text(status, "id");
        String word = Fields.text(status, "status");
        if (!status.isObject() || wamid == null || wamid.isBlank() || word == null) {
            batch.problems.add(path + ": missing id or status");
            return;
        }
        MessageStatus known = knownStatus(word);
        if (known == null) {
            batch.unknown("status:" + word, status, path, Fields.epochSeconds(status.get("timestamp")));
            return;
        }
        RawWebhook w = batch.webhook;
        String recipient = Fields.text(status, "recipient_id");
        String phone = PhoneNumbers.conversationPhone(recipient);
        JsonNode error = status.path("errors").path(0);
        Instant at = orElse(Fields.epochSeconds(status.get("timestamp")), w.receivedAt());
        MessageStatusUpdate update = new MessageStatusUpdate(
                gatewayMessageId(status),
                wamid,
                w.tenantId(),
                w.endpointId(),
                ProviderType.CLOUD_API,
                phone != null ? phone : recipient,
                known,
                at,
                error.isObject() ? Fields.text(error, "code") : null,
                error.isObject() ? Fields.text(error, "title") : null);
        batch.events.add(new Envelope(EventIds.eventId(w.tenantId(), PROVIDER, wamid, known.wireName()),
                w.tenantId(), at, w.requestId(), update));
    }

    /**
     * The gateway's message id from {@code biz_opaque_callback_data}: the sender puts the message id there and Meta
     * echoes it on every status of that message (Meta, "Status messages webhook reference"). Anything else found
     * there (another application's data on the same number) is not ours and is ignored.
     */
    static String gatewayMessageId(JsonNode status) {
        String data = Fields.text(status, "biz_opaque_callback_data");
        return data != null && data.startsWith(MESSAGE_ID_PREFIX) && Ids.isValidGeneratedId(data) ? data : null;
    }

    /** Cloud API status words; "played" is sent for voice messages although the v23 OpenAPI enum omits it. */
    private static MessageStatus knownStatus(String word) {
        return switch (word) {
            case "sent" -> MessageStatus.SENT;
            case "delivered" -> MessageStatus.DELIVERED;
            case "read" -> MessageStatus.READ;
            case "played" -> MessageStatus.PLAYED;
            case "failed" -> MessageStatus.FAILED;
            default -> null;
        };
    }

    /**
     * The sender's profile name: the contact whose wa_id is the sender, else the only contact. An empty name is
     * no name, so that it never blanks the name a conversation already has.
     */
    private static String contactName(JsonNode contacts, String from) {
        if (!isArray(contacts)) {
            return null;
        }
        for (JsonNode c : contacts) {
            if (from != null && from.equals(Fields.text(c, "wa_id"))) {
                return profileName(c);
            }
        }
        return contacts.size() == 1 ? profileName(contacts.get(0)) : null;
    }

    private static String profileName(JsonNode contact) {
        String name = Fields.text(contact.get("profile"), "name");
        return name == null || name.isBlank() ? null : name;
    }

    private static boolean isArray(JsonNode node) {
        return node != null && node.isArray();
    }

    private static Instant orElse(Instant value, Instant fallback) {
        return value != null ? value : fallback;
    }

    /** Accumulates one webhook's events and problems. */
    private static final class Batch {
        final RawWebhook webhook;
        final List<Envelope> events = new ArrayList<>();
        final List<String> problems = new ArrayList<>();

        Batch(RawWebhook webhook) {
            this.webhook = webhook;
        }

        void unknown(String providerEvent, JsonNode raw, String path, Instant at) {
            String tenant = webhook.tenantId();
            UnknownEvent event = new UnknownEvent(webhook.endpointId(), ProviderType.CLOUD_API, providerEvent,
                    raw.toString());
            events.add(new Envelope(EventIds.eventId(tenant, PROVIDER, "request", webhook.requestId(), path),
                    tenant, at != null ? at : webhook.receivedAt(), webhook.requestId(), event));
        }
    }
}
