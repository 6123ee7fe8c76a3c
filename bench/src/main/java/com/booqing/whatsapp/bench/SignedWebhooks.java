package com.booqing.whatsapp.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.ArrayList;

/**
 * Cloud API inbound text webhooks as Meta sends them (provider-wire-formats.md §1.1: object, entry[].changes[]
 * with field "messages"), each with its own wamid and a real {@code X-Hub-Signature-256} (HMAC-SHA256 of the raw
 * body with the app secret, §1.2), and the raw HTTP/1.1 requests that carry them.
 */
final class SignedWebhooks {
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final int SENDERS = 50;
    private static final String[] TEXTS = {
            "Hi, I would like to book a haircut on Friday at 10:00, is that possible?",
            "Can I move my appointment tomorrow to a later time? 16:30 would be great.",
            "Thanks! See you next week.",
            "Do you have anything free this afternoon for a manicure?",
    };

    private final byte[] appSecret;
    private final String phoneNumberId;
    private final String runId;
    private long counter;

    /** @param runId makes the wamids of one run unique against every other run's */
    SignedWebhooks(String appSecret, String phoneNumberId, String runId) {
        this.appSecret = appSecret.getBytes(StandardCharsets.UTF_8);
        this.phoneNumberId = phoneNumberId;
        this.runId = runId;
    }

    /** One signed webhook. */
    record Webhook(String wamid, byte[] body, String signature) {
    }

    Webhook next() {
        long n = counter++;
        String from = "4915112" + String.format("%06d", n % SENDERS);
        String wamid = wamid(from, n);
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + phoneNumberId + "\"},"
                + "\"contacts\":[{\"profile\":{\"name\":\"Bench Sender " + (n % SENDERS) + "\"},\"wa_id\":\"" + from + "\"}],"
                + "\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
                + (System.currentTimeMillis() / 1000) + "\",\"text\":{\"body\":\"" + TEXTS[(int) (n % TEXTS.length)]
                + "\"},\"type\":\"text\"}]},\"field\":\"messages\"}]}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Webhook(wamid, bytes, "sha256=" + HexFormat.of().formatHex(hmacSha256(appSecret, bytes)));
    }

    List<Webhook> next(int count) {
        List<Webhook> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }

    /** The whole request, head and body, ready to write to a socket. */
    static byte[] request(String host, int port, String path, Webhook webhook) {
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "User-Agent: facebookexternalua\r\n"
                + "Accept: */*\r\n"
                + "Content-Type: application/json\r\n"
                + SIGNATURE_HEADER + ": " + webhook.signature() + "\r\n"
                + "Content-Length: " + webhook.body().length + "\r\n"
                + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + webhook.body().length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(webhook.body(), 0, all, h.length, webhook.body().length);
        return all;
    }

    /** Shaped like Meta's ("wamid." + base64 of a small blob); only uniqueness matters here. */
    private String wamid(String from, long n) {
        String blob = from + "-" + runId + "-" + n;
        return "wamid." + Base64.getEncoder().encodeToString(blob.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
