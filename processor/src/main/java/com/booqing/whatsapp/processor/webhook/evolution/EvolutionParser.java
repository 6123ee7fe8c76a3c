package com.booqing.whatsapp.processor.webhook.evolution;

import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.event.EventPayload;
import com.booqing.whatsapp.common.event.UnknownEvent;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.webhook.ConversationAddress;
import com.booqing.whatsapp.processor.webhook.Fields;
import com.booqing.whatsapp.processor.webhook.Jid;
import com.booqing.whatsapp.processor.webhook.JsonPayload;
import com.booqing.whatsapp.processor.webhook.LidLink;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.booqing.whatsapp.processor.webhook.ProviderIds;
import com.booqing.whatsapp.processor.webhook.WebhookParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evolution API v2 webhooks (provider-wire-formats.md §3): {@code {event, instance, data, date_time, sender,
 * server_url, apikey}}, one event per POST. Event names are lower-dot; the UPPER_SNAKE subscription spelling is
 * accepted too.
 * <ul>
 *   <li>{@code messages.upsert} from others -> {@link InboundMessage} (content: {@link EvolutionContent}). One
 *       with {@code key.fromMe} (sent from the phone) is not inbound: {@link UnknownEvent} "messages.upsert:fromMe".</li>
 *   <li>{@code messages.update} of our own messages -> {@link MessageStatusUpdate}: SERVER_ACK -> sent,
 *       DELIVERY_ACK -> delivered, READ, PLAYED, ERROR -> failed (no reason given). PENDING, DELETED (Evolution's
 *       word for a status it does not know), updates of messages others sent, and poll updates -> UnknownEvent.</li>
 *   <li>{@code send.message} (Evolution echoing a message we sent through its API) -> MessageStatusUpdate
 *       <em>sent</em>: Evolution emits it after Baileys handed the message to WhatsApp, the same claim the sender
 *       makes on a 201. Its event id is the one a later SERVER_ACK gets, so the two count once.</li>
 *   <li>{@code connection.update} -> {@link DeviceEvent}: open -> connected, connecting -> connecting, close ->
 *       disconnected, refused (QR limit reached) -> error; statusReason 401/403 -> error "logged out: new QR scan
 *       needed".</li>
 *   <li>{@code qrcode.updated} -> DeviceEvent pairing with the QR {@code code} string (not the base64 image) and
 *       the pairing code; the QR-limit variant -> error.</li>
 *   <li>everything else -> UnknownEvent, with the body minus its {@code apikey} (the instance token).</li>
 * </ul>
 * LIDs: Baileys 7 keys carry {@code remoteJidAlt}/{@code participantAlt} (+ {@code addressingMode}), Baileys 6.7
 * {@code senderPn}/{@code senderLid}/{@code participantPn}/{@code participantLid}; any LID and phone of the same
 * person become a {@link LidLink}.
 *
 * <p>Event ids (Evolution has none): messages (instance, key.id); receipts (instance, key id, status);
 * connection and QR events (instance, event, date_time, state or code); anything else the SHA-256 of the body,
 * which Evolution's retries repeat byte for byte. {@code date_time} is Evolution's local wall clock with a "Z",
 * so it is used only as an identity, never as a time: device events carry the ingress's receipt time.
 */
public final class EvolutionParser implements WebhookParser {
    static final String PROVIDER = ProviderType.EVOLUTION.wireName();

    @Override
    public ProviderType provider() {
        return ProviderType.EVOLUTION;
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
            return ParseResult.rejected("not an Evolution webhook: body is not a JSON object");
        }
        String event = Fields.text(root, "event");
        if (event == null || event.isBlank()) {
            return ParseResult.rejected("not an Evolution webhook: no event");
        }
        Batch batch = new Batch(webhook, root, normalise(event));
        JsonNode data = root.get("data");
        switch (batch.event) {
            case "messages.upsert" -> items(data).forEach(item -> upsert(batch, item));
            case "messages.update" -> items(data).forEach(item -> update(batch, item));
            case "send.message" -> items(data).forEach(item -> sent(batch, item));
            case "connection.update" -> connection(batch, data);
            case "qrcode.updated" -> qrCode(batch, data);
            default -> batch.unknown(batch.event);
        }
        return new ParseResult(batch.events, batch.problems, batch.links);
    }

    /** "MESSAGES_UPSERT" -> "messages.upsert". */
    static String normalise(String event) {
        return event.trim().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static List<JsonNode> items(JsonNode data) {
        List<JsonNode> out = new ArrayList<>();
        if (data != null && data.isArray()) {
            data.forEach(out::add);
        } else if (data != null) {
            out.add(data);
        }
        return out;
    }

    // --- messages ---

    private void upsert(Batch batch, JsonNode item) {
        JsonNode key = Fields.object(item, "key");
        String keyId = Fields.text(key, "id");
        if (keyId == null || keyId.isBlank()) {
            batch.problems.add("data: missing key.id");
            return;
        }
        batch.linkKey(key);
        if (Boolean.TRUE.equals(Fields.bool(key, "fromMe"))) {
            batch.unknown("messages.upsert:fromMe");
            return;
        }
        Jid remote = Jid.parse(Fields.text(key, "remoteJid"));
        String address;
        String lid = null;
        if (remote != null && remote.isGroup()) {
            address = remote.groupId();
        } else if (remote != null && (remote.isPhone() || remote.isLid())) {
            List<Jid> ids = jids(Fields.text(key, "remoteJid"), Fields.text(key, "remoteJidAlt"),
                    Fields.text(key, "senderPn"), Fields.text(key, "senderLid"));
            address = ids.stream().filter(Jid::isPhone).map(Jid::phone).findFirst().orElse(null);
            lid = ids.stream().filter(Jid::isLid).map(Jid::lid).findFirst().orElse(null);
        } else {
            batch.unknown("messages.upsert:not-a-conversation");
            return;
        }
        RawWebhook w = batch.webhook;
        Instant at = Fields.epochSeconds(item.get("messageTimestamp"));
        if (at == null) {
            at = w.receivedAt();
        }
        MessageContent content = EvolutionContent.of(item, keyId);
        String pushName = Fields.text(item, "pushName");
        String replyTo = Fields.textAt(item, "contextInfo", "stanzaId");
        InboundMessage m = new InboundMessage(
                EventIds.inboundMessageId(w.tenantId(), keyId),
                keyId,
                w.tenantId(),
                w.endpointId(),
                ProviderType.EVOLUTION,
                address,
                lid,
                pushName == null || pushName.isBlank() ? null : pushName,
                at,
                content,
                replyTo);
        batch.add(EventIds.eventId(w.tenantId(), PROVIDER, batch.instance, "message", keyId), m, at);
    }

    // --- receipts ---

    private void update(Batch batch, JsonNode item) {
        String keyId = Fields.text(item, "keyId");
        if (keyId == null) {
            keyId = Fields.textAt(item, "key", "id");
        }
        if (keyId == null || keyId.isBlank()) {
            batch.problems.add("data: missing keyId");
            return;
        }
        JsonNode polls = item.get("pollUpdates");
        if (polls != null && !polls.isNull() && !(polls.isArray() && polls.isEmpty())) {
            batch.unknown("messages.update:poll");
            return;
        }
        Boolean fromMe = Fields.bool(item, "fromMe");
        if (fromMe == null) {
            fromMe = Fields.textAt(item, "key", "fromMe") == null ? null
                    : Boolean.parseBoolean(Fields.textAt(item, "key", "fromMe"));
        }
        String word = Fields.text(item, "status");
        if (!Boolean.TRUE.equals(fromMe)) {
            // Read marks of messages others sent us: nothing of ours moves.
            batch.unknown("messages.update:inbound");
            return;
        }
        MessageStatus status = word == null ? null : switch (word) {
            case "SERVER_ACK" -> MessageStatus.SENT;
            case "DELIVERY_ACK" -> MessageStatus.DELIVERED;
            case "READ" -> MessageStatus.READ;
            case "PLAYED" -> MessageStatus.PLAYED;
            case "ERROR" -> MessageStatus.FAILED;
            default -> null;
        };
        if (status == null) {
            batch.unknown("messages.update:" + word);
            return;
        }
        String remoteJid = Fields.text(item, "remoteJid");
        if (remoteJid == null) {
            remoteJid = Fields.textAt(item, "key", "remoteJid");
        }
        batch.receipt(keyId, remoteJid, status, batch.webhook.receivedAt(),
                status == MessageStatus.FAILED ? "Evolution reported ERROR (no reason given)" : null);
    }

    private void sent(Batch batch, JsonNode item) {
        JsonNode key = Fields.object(item, "key");
        String keyId = Fields.text(key, "id");
        if (keyId == null || keyId.isBlank()) {
            batch.problems.add("data: missing key.id");
            return;
        }
        batch.linkKey(key);
        boolean failed = "ERROR".equals(Fields.text(item, "status"));
        Instant at = Fields.epochSeconds(item.get("messageTimestamp"));
        batch.receipt(keyId, Fields.text(key, "remoteJid"), failed ? MessageStatus.FAILED : MessageStatus.SENT,
                at != null ? at : batch.webhook.receivedAt(),
                failed ? "Evolution reported ERROR (no reason given)" : null);
    }

    // --- device ---

    private void connection(Batch batch, JsonNode data) {
        String state = Fields.text(data, "state");
        JsonNode reasonNode = Fields.path(data, "statusReason");
        // Integer.valueOf: with a bare int on one side the conditional would unbox a null parseInt (NPE).
        Integer code = reasonNode != null && reasonNode.canConvertToInt() && reasonNode.isNumber()
                ? Integer.valueOf(reasonNode.intValue()) : parseInt(Fields.text(data, "statusReason"));
        if (state == null) {
            batch.unknown(batch.event);
            return;
        }
        DeviceStatus status;
        String reason = null;
        if (code != null && (code == 401 || code == 403)) {
            status = DeviceStatus.ERROR;
            reason = "logged out: new QR scan needed";
        } else {
            status = switch (state) {
                case "open" -> DeviceStatus.CONNECTED;
                case "connecting" -> DeviceStatus.CONNECTING;
                case "close" -> DeviceStatus.DISCONNECTED;
                case "refused" -> DeviceStatus.ERROR;
                default -> null;
            };
            if (status == null) {
                batch.unknown(batch.event + ":" + state);
                return;
            }
            if (state.equals("refused")) {
                reason = "QR code limit reached: connect the instance again";
            } else if (state.equals("close") && code != null) {
                reason = (code == 402 || code == 406 ? "not reconnected by Evolution, " : "") + "statusReason " + code;
            }
        }
        String identity = state + "/" + (code == null ? "" : code);
        batch.device(status, code == null ? state : state + " (" + code + ")", null, null, reason,
                batch.deviceEventId(identity));
    }

    private void qrCode(Batch batch, JsonNode data) {
        JsonNode qr = Fields.object(data, "qrcode");
        if (qr == null) {
            String message = Fields.text(data, "message");
            if (message == null) {
                batch.unknown(batch.event);
                return;
            }
            batch.device(DeviceStatus.ERROR, "qrcode.limit", null, null, message, batch.deviceEventId(message));
            return;
        }
        String code = Fields.text(qr, "code");
        String pairing = Fields.text(qr, "pairingCode");
        batch.device(DeviceStatus.PAIRING, "qrcode", code, pairing, null,
                batch.deviceEventId(String.valueOf(code) + "/" + pairing));
    }

    private static Integer parseInt(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<Jid> jids(String... raw) {
        List<Jid> out = new ArrayList<>();
        for (String r : raw) {
            Jid j = Jid.parse(r);
            if (j != null) {
                out.add(j);
            }
        }
        return out;
    }

    /** Accumulates one webhook's events, links and problems. */
    private static final class Batch {
        final RawWebhook webhook;
        final JsonNode root;
        final String event;
        final String instance;
        final List<Envelope> events = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<LidLink> links = new ArrayList<>();

        Batch(RawWebhook webhook, JsonNode root, String event) {
            this.webhook = webhook;
            this.root = root;
            this.event = event;
            String i = Fields.text(root, "instance");
            this.instance = i == null ? "" : i;
        }

        /**
         * LID and phone of the chat (remoteJid side) and of a group participant, each seen together in a key.
         * senderPn/senderLid describe the sender, which is the chat only in a message from the other side.
         */
        void linkKey(JsonNode key) {
            boolean fromMe = Boolean.TRUE.equals(Fields.bool(key, "fromMe"));
            addLink(pair(fromMe ? jids(Fields.text(key, "remoteJid"), Fields.text(key, "remoteJidAlt"))
                    : jids(Fields.text(key, "remoteJid"), Fields.text(key, "remoteJidAlt"),
                    Fields.text(key, "senderPn"), Fields.text(key, "senderLid"))));
            addLink(pair(jids(Fields.text(key, "participant"), Fields.text(key, "participantAlt"),
                    Fields.text(key, "participantPn"), Fields.text(key, "participantLid"))));
        }

        private static LidLink pair(List<Jid> ids) {
            Jid lid = ids.stream().filter(Jid::isLid).findFirst().orElse(null);
            Jid phone = ids.stream().filter(Jid::isPhone).findFirst().orElse(null);
            return LidLink.between(lid, phone);
        }

        void addLink(LidLink link) {
            if (link != null && !links.contains(link)) {
                links.add(link);
            }
        }

        void receipt(String keyId, String remoteJid, MessageStatus status, Instant at, String errorTitle) {
            Jid chat = Jid.parse(remoteJid);
            String recipient = chat == null ? null
                    : ConversationAddress.of(chat.isGroup() ? chat.groupId() : chat.phone(), chat.lid());
            MessageStatusUpdate update = new MessageStatusUpdate(null, keyId, webhook.tenantId(), webhook.endpointId(),
                    ProviderType.EVOLUTION, recipient, status, at, null, errorTitle);
            add(EventIds.eventId(webhook.tenantId(), PROVIDER, instance, keyId, status.wireName()), update, at);
        }

        void device(DeviceStatus status, String providerStatus, String qrCode, String pairingCode, String reason,
                    String eventId) {
            DeviceEvent d = new DeviceEvent(webhook.tenantId(), webhook.endpointId(), ProviderIds.deviceIdOf(instance),
                    status, providerStatus, qrCode, pairingCode, reason, webhook.receivedAt());
            add(eventId, d, webhook.receivedAt());
        }

        /** (instance, event, date_time, what changed); without date_time the body itself. */
        String deviceEventId(String what) {
            String dateTime = Fields.text(root, "date_time");
            if (dateTime == null) {
                return bodyEventId();
            }
            return EventIds.eventId(webhook.tenantId(), PROVIDER, instance, event, dateTime, what);
        }

        void add(String eventId, EventPayload payload, Instant at) {
            events.add(new Envelope(eventId, webhook.tenantId(), at, webhook.requestId(), payload));
        }

        void unknown(String providerEvent) {
            ObjectNode raw = root.deepCopy();
            raw.remove("apikey");
            add(bodyEventId(), new UnknownEvent(webhook.endpointId(), ProviderType.EVOLUTION, providerEvent,
                    raw.toString()), webhook.receivedAt());
        }

        /** The body's hash, and the event's position among those this webhook yielded. */
        private String bodyEventId() {
            return EventIds.eventId(webhook.tenantId(), PROVIDER, "body", ProviderIds.bodyHash(webhook.body()),
                    Integer.toString(events.size()));
        }
    }
}
