package com.booqing.whatsapp.ops.check;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An inbound text webhook as each provider posts it, signed as each provider signs it (ingress/WEBHOOKS.md):
 * Cloud API {@code X-Hub-Signature-256} (HMAC-SHA256 of the body with the app secret), WAHA {@code X-Webhook-Hmac}
 * (HMAC-SHA512 with the HMAC key), Evolution {@code Authorization: Bearer} an HS256 JWT signed with jwt_key. The
 * shapes are the smallest the providers send for a text (shared/reference/provider-wire-formats.md).
 */
final class ProviderWebhooks {
    private static final ObjectMapper JSON = Json.lenient();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private ProviderWebhooks() {
    }

    /**
     * @param fromDigits the customer's number, digits only
     * @param messageId  unique per test run; becomes the provider message id
     * @param secret     the endpoint's webhook secret, in clear (never printed)
     */
    static SignedWebhook inboundText(Endpoint endpoint, String secret, String fromDigits, String text, String messageId,
                                     Instant at) {
        return switch (endpoint.provider()) {
            case CLOUD_API -> cloudApi(endpoint, secret, fromDigits, text, "wamid." + messageId, at);
            case WAHA -> waha(endpoint, secret, fromDigits, text, messageId.toUpperCase(java.util.Locale.ROOT), at);
            case EVOLUTION -> evolution(endpoint, secret, fromDigits, text, messageId.toUpperCase(java.util.Locale.ROOT), at);
        };
    }

    private static SignedWebhook cloudApi(Endpoint e, String appSecret, String from, String text, String wamid,
                                          Instant at) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", "0");
        ObjectNode value = entry.putArray("changes").addObject().put("field", "messages").putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "").put("phone_number_id", e.phoneNumberId());
        ObjectNode contact = value.putArray("contacts").addObject();
        contact.putObject("profile").put("name", "whatsapp-ops test");
        contact.put("wa_id", from);
        ObjectNode message = value.putArray("messages").addObject();
        message.put("from", from);
        message.put("id", wamid);
        message.put("timestamp", Long.toString(at.getEpochSecond()));
        message.put("type", "text");
        message.putObject("text").put("body", text);
        byte[] body = bytes(root);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", appSecret, body)));
        return new SignedWebhook(body, headers, wamid);
    }

    private static SignedWebhook waha(Endpoint e, String hmacKey, String from, String text, String id, Instant at) {
        String chat = from + "@c.us";
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "evt_ops" + id.toLowerCase(java.util.Locale.ROOT));
        root.put("timestamp", at.toEpochMilli());
        root.put("event", "message");
        root.put("session", e.sessionName());
        root.putNull("me");
        ObjectNode payload = root.putObject("payload");
        payload.put("id", "false_" + chat + "_" + id);
        payload.put("timestamp", at.getEpochSecond());
        payload.put("from", chat);
        payload.put("fromMe", false);
        payload.put("body", text);
        payload.put("hasMedia", false);
        payload.putObject("_data").put("notifyName", "whatsapp-ops test").put("type", "chat");
        root.put("engine", "WEBJS");
        byte[] body = bytes(root);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Webhook-Request-Id", "ops-" + id.toLowerCase(java.util.Locale.ROOT));
        headers.put("X-Webhook-Timestamp", Long.toString(at.toEpochMilli()));
        headers.put("X-Webhook-Hmac", HexFormat.of().formatHex(hmac("HmacSHA512", hmacKey, body)));
        headers.put("X-Webhook-Hmac-Algorithm", "sha512");
        return new SignedWebhook(body, headers, id);
    }

    private static SignedWebhook evolution(Endpoint e, String jwtKey, String from, String text, String id, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        root.put("event", "messages.upsert");
        root.put("instance", e.instanceName());
        ObjectNode data = root.putObject("data");
        data.putObject("key").put("remoteJid", from + "@s.whatsapp.net").put("fromMe", false).put("id", id);
        data.put("pushName", "whatsapp-ops test");
        data.putObject("message").put("conversation", text);
        data.put("messageType", "conversation");
        data.put("messageTimestamp", at.getEpochSecond());
        root.put("date_time", ISO_MILLIS.format(at));
        root.put("server_url", e.apiUrl());
        byte[] body = bytes(root);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Authorization", "Bearer " + jwt(jwtKey, at.getEpochSecond()));
        return new SignedWebhook(body, headers, id);
    }

    /** Evolution's webhook token: HS256 over {iat, exp: iat + 600, app: "evolution", action: "webhook"}. */
    static String jwt(String key, long iat) {
        ObjectNode claims = JSON.createObjectNode();
        claims.put("iat", iat);
        claims.put("exp", iat + 600);
        claims.put("app", "evolution");
        claims.put("action", "webhook");
        String input = BASE64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + BASE64URL.encodeToString(bytes(claims));
        return input + "." + BASE64URL.encodeToString(hmac("HmacSHA256", key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(algorithm + " is always present", ex);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot render a webhook", ex);
        }
    }
}
