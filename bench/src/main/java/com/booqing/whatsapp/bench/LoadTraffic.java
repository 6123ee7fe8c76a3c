package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.projection.ReceiptHolders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The load run's traffic, every request a pure function of its slot number (its place in the schedule), so the
 * run keeps no per-request state beyond a status byte: the Redis key each request must produce is computed again
 * from the slot at the end. Tenants take turns slot by slot.
 *
 * <ul>
 *   <li>Webhook slot {@code s}: a Cloud API webhook to tenant {@code s % tenants}, signed with its endpoint's app
 *       secret (provider-wire-formats.md §1.1–1.2). About {@code statusPercent} of them are a {@code delivered}
 *       status for a provider message id nobody has mapped (the projector keeps it on a receipt-holder message,
 *       {@code <ns>:message:<ReceiptHolders.holderId(tenant, wamid)>}); the rest are a text message with a fresh
 *       wamid ({@code <ns>:message:<EventIds.inboundMessageId(tenant, wamid)>}).</li>
 *   <li>Send slot {@code s}: {@code POST /api/whatsapp/messages/{tenant}} with the admin key, a text to a
 *       recipient of its own ({@code +4915110000000 + s}, so no per-recipient ordering chain serialises the run)
 *       and the idempotency key {@code load-<run>-<s>}, hence the message id
 *       {@code EventIds.outboundMessageId(tenant, key)} and its hash {@code <ns>:message:<id>}.</li>
 * </ul>
 */
final class LoadTraffic {
    static final long RECIPIENT_BASE = 4915110000000L;
    /** Recipients stay valid German mobile numbers (+49 151 1xxxxxxx) up to this many sends. */
    static final long MAX_SENDS = 10_000_000L;
    private static final int CUSTOMERS_PER_TENANT = 1000;
    private static final String[] TEXTS = {
            "Hi, I would like to book a haircut on Friday at 10:00, is that possible?",
            "Can I move my appointment tomorrow to a later time? 16:30 would be great.",
            "Thanks! See you next week.",
            "Do you have anything free this afternoon for a manicure?",
    };

    /** One tenant as the traffic sees it. */
    record Tenant(String tenantId, String endpointId, String appSecret, String phoneNumberId) {
    }

    private final List<Tenant> tenants;
    private final String runId;
    private final int statusPercent;
    private final String adminKey;
    private final RedisKeys keys;
    private final ThreadLocal<Mac[]> macs;

    LoadTraffic(List<Tenant> tenants, String runId, int statusPercent, String adminKey, RedisKeys keys) {
        this.tenants = List.copyOf(tenants);
        this.runId = runId;
        this.statusPercent = statusPercent;
        this.adminKey = adminKey;
        this.keys = keys;
        this.macs = ThreadLocal.withInitial(() -> {
            Mac[] m = new Mac[this.tenants.size()];
            for (int i = 0; i < m.length; i++) {
                try {
                    m[i] = Mac.getInstance("HmacSHA256");
                    m[i].init(new SecretKeySpec(this.tenants.get(i).appSecret().getBytes(StandardCharsets.UTF_8),
                            "HmacSHA256"));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 unavailable", e);
                }
            }
            return m;
        });
    }

    Tenant tenantOf(long slot) {
        return tenants.get((int) (slot % tenants.size()));
    }

    /** Spread over the slots, independent of the tenant's turn. */
    boolean isStatus(long slot) {
        long mixed = slot * 0x9E3779B97F4A7C15L;
        return Math.floorMod(mixed >>> 40, 100L) < statusPercent;
    }

    private String inboundWamid(long slot) {
        return wamid("in-" + runId + "-" + slot);
    }

    private String statusWamid(long slot) {
        return wamid("out-" + runId + "-" + slot);
    }

    private static String wamid(String blob) {
        return "wamid." + Base64.getEncoder().encodeToString(blob.getBytes(StandardCharsets.US_ASCII));
    }

    private static String customer(long slot) {
        return "4915112" + String.format("%06d", (slot / 7) % CUSTOMERS_PER_TENANT);
    }

    /** The whole HTTP request of webhook slot {@code slot}. */
    byte[] webhookRequest(long slot, int port) {
        int t = (int) (slot % tenants.size());
        Tenant tenant = tenants.get(t);
        String from = customer(slot);
        long now = System.currentTimeMillis() / 1000;
        String item;
        if (isStatus(slot)) {
            item = "\"statuses\":[{\"id\":\"" + statusWamid(slot) + "\",\"status\":\"delivered\",\"timestamp\":\""
                    + now + "\",\"recipient_id\":\"" + from + "\",\"conversation\":{\"id\":\"conv-" + runId
                    + "\",\"origin\":{\"type\":\"service\"}},\"pricing\":{\"billable\":true,\"pricing_model\":\"CBP\","
                    + "\"category\":\"service\"}}]";
        } else {
            item = "\"contacts\":[{\"profile\":{\"name\":\"Load Customer " + from.substring(7) + "\"},\"wa_id\":\""
                    + from + "\"}],\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + inboundWamid(slot)
                    + "\",\"timestamp\":\"" + now + "\",\"text\":{\"body\":\"" + TEXTS[(int) (slot % TEXTS.length)]
                    + "\"},\"type\":\"text\"}]";
        }
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + tenant.phoneNumberId() + "\"}," + item + "},\"field\":\"messages\"}]}]}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + HexFormat.of().formatHex(macs.get()[t].doFinal(b));
        String head = "POST /api/whatsapp/webhook/" + tenant.tenantId() + "/" + tenant.endpointId() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: facebookexternalua\r\n"
                + "Accept: */*\r\n"
                + "Content-Type: application/json\r\n"
                + SignedWebhooks.SIGNATURE_HEADER + ": " + signature + "\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n";
        return join(head, b);
    }

    /** The whole HTTP request of send slot {@code slot}. */
    byte[] sendRequest(long slot, int port) {
        Tenant tenant = tenantOf(slot);
        String body = "{\"to\":\"+" + (RECIPIENT_BASE + slot) + "\",\"type\":\"text\",\"content\":\"Reminder: your"
                + " appointment tomorrow at 10:00 (#" + slot + ")\",\"idempotencyKey\":\"" + idempotencyKey(slot)
                + "\"}";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/whatsapp/messages/" + tenant.tenantId() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Authorization: Bearer " + adminKey + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n";
        return join(head, b);
    }

    private String idempotencyKey(long slot) {
        return "load-" + runId + "-" + slot;
    }

    /** The hash webhook slot {@code slot} must produce. */
    String webhookKey(long slot) {
        String tenant = tenantOf(slot).tenantId();
        return isStatus(slot)
                ? keys.message(ReceiptHolders.holderId(tenant, statusWamid(slot)))
                : keys.message(EventIds.inboundMessageId(tenant, inboundWamid(slot)));
    }

    /** The message hash of send slot {@code slot}. */
    String sendKey(long slot) {
        return keys.message(EventIds.outboundMessageId(tenantOf(slot).tenantId(), idempotencyKey(slot)));
    }

    /** @return the send slot a result's recipient belongs to, or -1 if it is not one of this run's */
    static long slotOfRecipient(String to) {
        if (to == null) {
            return -1;
        }
        String digits = to.startsWith("+") ? to.substring(1) : to;
        try {
            long n = Long.parseLong(digits) - RECIPIENT_BASE;
            return n >= 0 && n < MAX_SENDS ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] join(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
