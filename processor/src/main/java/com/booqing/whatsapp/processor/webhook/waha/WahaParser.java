package com.booqing.whatsapp.processor.webhook.waha;

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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * WAHA webhooks (provider-wire-formats.md §2): one event per POST, in the envelope
 * {@code {id: "evt_…", timestamp (ms), event, session, me?, payload, engine}}.
 * <ul>
 *   <li>{@code message}, and {@code message.any} from others -> {@link InboundMessage}. Both events carry the
 *       same message, so its event id comes from the message (tenant, session, bare message id), not from the
 *       envelope: a tenant subscribed to both gets it once. A message the account itself sent (fromMe: from the
 *       phone, or echoed by message.any for API sends) is not inbound: an {@link UnknownEvent} "message:fromMe".</li>
 *   <li>{@code message.reaction} -> InboundMessage with {@link MessageContent.Reaction} (emoji "" = removed);
 *       {@code poll.vote} -> InboundMessage with {@link MessageContent.PollVote}.</li>
 *   <li>{@code message.ack} of our own messages -> {@link MessageStatusUpdate}: 1 SERVER -> sent, 2 DEVICE ->
 *       delivered, 3 READ, 4 PLAYED, -1 ERROR -> failed (WAHA gives no reason). 0 PENDING, unknown acks and acks
 *       of messages we did not send -> UnknownEvent.</li>
 *   <li>{@code session.status} -> {@link DeviceEvent}: STOPPED -> disconnected, STARTING -> connecting,
 *       SCAN_QR_CODE and the PASSKEY_* steps -> pairing, WORKING -> connected, FAILED -> error.</li>
 *   <li>anything else (message.ack.group, message.revoked/edited/waiting, group.*, presence.update, call.*,
 *       label.*, chat.archive, engine.event, state.change, poll.vote.failed, event.response…) -> UnknownEvent.</li>
 * </ul>
 * Chats: {@code @c.us}/{@code @s.whatsapp.net} are phones, {@code @lid} LIDs, {@code @g.us} groups (the group is
 * the conversation); status broadcasts, channels and the like are not conversations (UnknownEvent). LID and
 * phone of the same customer seen together (NOWEB {@code _data.key.remoteJidAlt}/{@code senderPn}, GOWS
 * {@code _data.Info.SenderAlt}, the envelope's {@code me.lid}) are reported as {@link LidLink}s.
 *
 * <p>Event ids: messages and receipts from the provider's message id (so they are the same whichever
 * envelope brought them); every other event from the envelope {@code id}, else the {@code X-Webhook-Request-Id}
 * header (same across WAHA's retries), else the ingress's request id (older WAHA: no dedup across deliveries,
 * but never a state change dropped as a duplicate).
 */
public final class WahaParser implements WebhookParser {
    static final String PROVIDER = ProviderType.WAHA.wireName();
    static final String REQUEST_ID_HEADER = "x-webhook-request-id";

    @Override
    public ProviderType provider() {
        return ProviderType.WAHA;
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
            return ParseResult.rejected("not a WAHA webhook: body is not a JSON object");
        }
        String event = Fields.text(root, "event");
        if (event == null || event.isBlank()) {
            return ParseResult.rejected("not a WAHA webhook: no event");
        }
        Batch batch = new Batch(webhook, root, event);
        batch.linkMe();
        JsonNode payload = root.get("payload");
        switch (event) {
            case "message", "message.any" -> message(batch, payload);
            case "message.reaction" -> reaction(batch, payload);
            case "poll.vote" -> pollVote(batch, payload);
            case "message.ack" -> ack(batch, payload);
            case "session.status" -> sessionStatus(batch, payload);
            default -> batch.unknown(event);
        }
        return new ParseResult(batch.events, batch.problems, batch.links);
    }

    // --- messages ---

    private void message(Batch batch, JsonNode p) {
        Sender sender = batch.sender(p, "payload");
        if (sender == null) {
            return;
        }
        MessageContent content = WahaContent.of(p);
        String replyTo = WahaMessageId.bare(Fields.textAt(p, "replyTo", "id"));
        batch.inbound("message", sender, content, replyTo, sender.id.id());
    }

    private void reaction(Batch batch, JsonNode p) {
        Sender sender = batch.sender(p, "payload");
        if (sender == null) {
            return;
        }
        JsonNode reaction = Fields.object(p, "reaction");
        String target = WahaMessageId.bare(Fields.text(reaction, "messageId"));
        if (target == null) {
            batch.problems.add("payload.reaction: missing messageId");
            return;
        }
        String emoji = Fields.text(reaction, "text");
        MessageContent content = new MessageContent.Reaction(target, emoji == null ? "" : emoji);
        batch.inbound("reaction", sender, content, null, sender.id.id() + "\u0000" + emoji);
    }

    private void pollVote(Batch batch, JsonNode p) {
        JsonNode vote = Fields.object(p, "vote");
        Sender sender = batch.sender(vote, "payload.vote");
        if (sender == null) {
            return;
        }
        String poll = WahaMessageId.bare(Fields.textAt(p, "poll", "id"));
        List<String> options = new ArrayList<>();
        for (JsonNode o : Fields.array(vote, "selectedOptions")) {
            if (o.isValueNode()) {
                options.add(o.asText());
            }
        }
        MessageContent content = new MessageContent.PollVote(poll, options);
        batch.inbound("poll.vote", sender, content, null, sender.id.id() + "\u0000" + String.join("\u0000", options));
    }

    // --- receipts ---

    private void ack(Batch batch, JsonNode p) {
        WahaMessageId id = WahaMessageId.parse(Fields.text(p, "id"));
        if (id == null) {
            batch.problems.add("payload: missing id");
            return;
        }
        boolean fromMe = Boolean.TRUE.equals(id.fromMe()) || Boolean.TRUE.equals(Fields.bool(p, "fromMe"));
        if (!fromMe) {
            // Receipts of messages others sent us (our own read marks): nothing of ours moves.
            batch.unknown("message.ack:inbound");
            return;
        }
        MessageStatus status = ackStatus(p);
        if (status == null) {
            batch.unknown("message.ack:" + ackWord(p));
            return;
        }
        Jid chat = Jid.parse(id.chat() != null ? id.chat() : Fields.text(p, "to"));
        String recipient = chat == null ? null : ConversationAddress.of(chat.isGroup() ? chat.groupId() : chat.phone(),
                chat.lid());
        RawWebhook w = batch.webhook;
        MessageStatusUpdate update = new MessageStatusUpdate(null, id.id(), w.tenantId(), w.endpointId(),
                ProviderType.WAHA, recipient, status, batch.envelopeTime(), null,
                status == MessageStatus.FAILED ? "WAHA reported ack ERROR (no reason given)" : null);
        batch.add(EventIds.eventId(w.tenantId(), PROVIDER, batch.session, id.id(), status.wireName()), update);
    }

    /** WAHA acks: -1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED ([WAHA-SRC] enums.dto.ts WAMessageAck). */
    private static MessageStatus ackStatus(JsonNode p) {
        JsonNode ack = p.get("ack");
        String word = ack != null && ack.isNumber() ? switch (ack.intValue()) {
            case -1 -> "ERROR";
            case 1 -> "SERVER";
            case 2 -> "DEVICE";
            case 3 -> "READ";
            case 4 -> "PLAYED";
            default -> null;
        } : Fields.text(p, "ackName");
        if (word == null) {
            return null;
        }
        return switch (word) {
            case "SERVER" -> MessageStatus.SENT;
            case "DEVICE" -> MessageStatus.DELIVERED;
            case "READ" -> MessageStatus.READ;
            case "PLAYED" -> MessageStatus.PLAYED;
            case "ERROR" -> MessageStatus.FAILED;
            default -> null;
        };
    }

    private static String ackWord(JsonNode p) {
        String name = Fields.text(p, "ackName");
        return name != null ? name : String.valueOf(Fields.text(p, "ack"));
    }

    // --- sessions ---

    private void sessionStatus(Batch batch, JsonNode p) {
        String status = Fields.text(p, "status");
        DeviceStatus mapped = status == null ? null : switch (status) {
            case "STOPPED" -> DeviceStatus.DISCONNECTED;
            case "STARTING" -> DeviceStatus.CONNECTING;
            case "SCAN_QR_CODE", "PASSKEY_REQUIRED", "PASSKEY_CONFIRMATION_REQUIRED" -> DeviceStatus.PAIRING;
            case "WORKING" -> DeviceStatus.CONNECTED;
            case "FAILED" -> DeviceStatus.ERROR;
            default -> null;
        };
        if (mapped == null) {
            batch.unknown("session.status:" + status);
            return;
        }
        String reason = switch (status) {
            case "FAILED" -> "session failed: restart it, or log out and scan a new QR code";
            case "PASSKEY_REQUIRED" -> "WhatsApp asks for a passkey to finish pairing";
            case "PASSKEY_CONFIRMATION_REQUIRED" -> "confirm the pairing code shown on the phone";
            default -> null;
        };
        RawWebhook w = batch.webhook;
        DeviceEvent device = new DeviceEvent(w.tenantId(), w.endpointId(), ProviderIds.deviceIdOf(batch.session),
                mapped, status, null, null, reason, batch.envelopeTime());
        batch.add(batch.envelopeEventId(), device);
    }

    /** The customer a message event is from, as the parser resolved it. */
    private record Sender(WahaMessageId id, String address, String lid, String contactName, Instant at) {
    }

    /** Accumulates one webhook's events, links and problems. */
    private static final class Batch {
        final RawWebhook webhook;
        final JsonNode root;
        final String event;
        final String session;
        final List<Envelope> events = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<LidLink> links = new ArrayList<>();

        Batch(RawWebhook webhook, JsonNode root, String event) {
            this.webhook = webhook;
            this.root = root;
            this.event = event;
            String s = Fields.text(root, "session");
            this.session = s == null ? "" : s;
        }

        /** The account's own LID and number ({@code me.lid} with {@code me.id} / {@code me.jid}). */
        void linkMe() {
            JsonNode me = Fields.object(root, "me");
            Jid lid = Jid.parse(Fields.text(me, "lid"));
            Jid phone = Jid.parse(Fields.text(me, "id"));
            if (phone == null || !phone.isPhone()) {
                phone = Jid.parse(Fields.text(me, "jid"));
            }
            addLink(LidLink.between(lid, phone));
        }

        void addLink(LidLink link) {
            if (link != null && !links.contains(link)) {
                links.add(link);
            }
        }

        /**
         * Who sent a message-like payload ({@code id, from, fromMe, participant, timestamp, _data}); null (with an
         * UnknownEvent or a problem recorded) when it is our own, or not from a conversation.
         */
        Sender sender(JsonNode p, String path) {
            WahaMessageId id = WahaMessageId.parse(Fields.text(p, "id"));
            if (p == null || !p.isObject() || id == null) {
                problems.add(path + ": missing id");
                return null;
            }
            if (Boolean.TRUE.equals(Fields.bool(p, "fromMe")) || Boolean.TRUE.equals(id.fromMe())) {
                unknown(event + ":fromMe");
                return null;
            }
            Jid chat = Jid.parse(Fields.text(p, "from"));
            if (chat == null && id.chat() != null) {
                chat = Jid.parse(id.chat());
            }
            if (chat == null) {
                problems.add(path + ": missing from");
                return null;
            }
            JsonNode data = Fields.object(p, "_data");
            String address;
            String lid = null;
            if (chat.isGroup()) {
                address = chat.groupId();
                linkAll(Fields.text(p, "participant"), Fields.text(p, "author"),
                        Fields.textAt(data, "key", "participant"), Fields.textAt(data, "key", "participantAlt"),
                        Fields.textAt(data, "key", "participantPn"), Fields.textAt(data, "key", "participantLid"),
                        Fields.textAt(data, "Info", "Sender"), Fields.textAt(data, "Info", "SenderAlt"));
            } else if (chat.isPhone() || chat.isLid()) {
                List<Jid> ids = jids(Fields.text(p, "from"),
                        Fields.textAt(data, "key", "remoteJid"), Fields.textAt(data, "key", "remoteJidAlt"),
                        Fields.textAt(data, "key", "senderPn"), Fields.textAt(data, "key", "senderLid"),
                        Fields.textAt(data, "Info", "Chat"), Fields.textAt(data, "Info", "Sender"),
                        Fields.textAt(data, "Info", "SenderAlt"), Fields.textAt(data, "id", "remote"),
                        Fields.text(data, "from"));
                address = ids.stream().filter(Jid::isPhone).map(Jid::phone).findFirst().orElse(null);
                lid = ids.stream().filter(Jid::isLid).map(Jid::lid).findFirst().orElse(null);
                if (address != null && lid != null) {
                    addLink(new LidLink(lid, address));
                }
            } else {
                unknown(event + ":not-a-conversation");
                return null;
            }
            Instant at = Fields.epochSecondsWithFraction(p.get("timestamp"));
            if (at == null) {
                // poll votes carry milliseconds in some engines
                at = Fields.epochMillis(p.get("timestamp"));
            }
            return new Sender(id, address, lid, contactName(data), at != null ? at : envelopeTime());
        }

        private void linkAll(String... raw) {
            List<Jid> ids = jids(raw);
            Jid lid = ids.stream().filter(Jid::isLid).findFirst().orElse(null);
            Jid phone = ids.stream().filter(Jid::isPhone).findFirst().orElse(null);
            addLink(LidLink.between(lid, phone));
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

        /** NOWEB _data.pushName, WEBJS _data.notifyName, GOWS _data.Info.PushName. */
        private static String contactName(JsonNode data) {
            String name = Fields.text(data, "pushName");
            if (name == null) {
                name = Fields.text(data, "notifyName");
            }
            if (name == null) {
                name = Fields.textAt(data, "Info", "PushName");
            }
            return name == null || name.isBlank() ? null : name;
        }

        void inbound(String kind, Sender s, MessageContent content, String replyTo, String identity) {
            String tenant = webhook.tenantId();
            InboundMessage m = new InboundMessage(
                    EventIds.inboundMessageId(tenant, s.id.id()),
                    s.id.id(),
                    tenant,
                    webhook.endpointId(),
                    ProviderType.WAHA,
                    s.address,
                    s.lid,
                    s.contactName,
                    s.at,
                    content,
                    replyTo);
            add(EventIds.eventId(tenant, PROVIDER, session, kind, identity), m, s.at);
        }

        void add(String eventId, EventPayload payload) {
            add(eventId, payload, envelopeTime());
        }

        void add(String eventId, EventPayload payload, Instant at) {
            events.add(new Envelope(eventId, webhook.tenantId(), at, webhook.requestId(), payload));
        }

        void unknown(String providerEvent) {
            add(envelopeEventId(), new UnknownEvent(webhook.endpointId(), ProviderType.WAHA, providerEvent,
                    root.toString()));
        }

        /** The envelope id, else WAHA's request id header, else the ingress's request id. */
        String envelopeEventId() {
            String tenant = webhook.tenantId();
            String id = Fields.text(root, "id");
            if (id != null && !id.isBlank()) {
                return EventIds.eventId(tenant, PROVIDER, "evt", id);
            }
            String header = webhook.providerHeaders().get(REQUEST_ID_HEADER);
            if (header != null && !header.isBlank()) {
                return EventIds.eventId(tenant, PROVIDER, "request", header);
            }
            return EventIds.eventId(tenant, PROVIDER, "ingress", webhook.requestId());
        }

        /** The envelope's timestamp (ms), else when the ingress received the webhook. */
        Instant envelopeTime() {
            Instant t = Fields.epochMillis(root.get("timestamp"));
            return t != null ? t : webhook.receivedAt();
        }
    }
}
