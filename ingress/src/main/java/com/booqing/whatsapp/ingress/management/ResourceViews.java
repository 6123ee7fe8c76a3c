package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.management.ApiKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How resources look in API answers, in command outcomes and in Redis: the contract between the processor
 * (which renders them when it applies a command) and the ingress (which answers with them). Written here first;
 * meant to move to common so that both use the same code.
 *
 * <pre>
 * endpoint: {id, tenantId, name, provider, apiUrl, apiVersion?, phoneNumberId?, sessionName?, instanceName?,
 *            webhookUrl, apiKey?, webhookSecret?, verifyToken?   (masked, see Masking.mask)
 *            isActive, isPrimary, weight, createdAt, updatedAt}
 * device:   the Device record's JSON, plus qrImage (a data:image/png;base64 URL) when the provider gave one
 * apiKey:   {keyId, tenantId, prefix, createdAt, revokedAt?}   (never the hash)
 * </pre>
 * Secret names are the generic ones for every provider: {@code apiKey} is the Cloud API access token, the WAHA
 * X-Api-Key or the Evolution apikey; {@code webhookSecret} the Cloud API app secret, the WAHA HMAC key or the
 * Evolution jwt_key; {@code verifyToken} only the Cloud API's.
 */
public final class ResourceViews {
    private ResourceViews() {
    }

    /** The endpoint with each secret opened and masked; a secret that cannot be opened shows as "****". */
    public static ObjectNode endpoint(Endpoint e, SecretBox secrets, String webhookUrl, ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("id", e.id());
        n.put("tenantId", e.tenantId());
        putIfPresent(n, "name", e.name());
        n.put("provider", e.provider().wireName());
        n.put("apiUrl", e.apiUrl());
        putIfPresent(n, "apiVersion", e.apiVersion());
        putIfPresent(n, "phoneNumberId", e.phoneNumberId());
        putIfPresent(n, "sessionName", e.sessionName());
        putIfPresent(n, "instanceName", e.instanceName());
        putIfPresent(n, "webhookUrl", webhookUrl);
        putIfPresent(n, "apiKey", masked(secrets, e, "apiKey", e.apiKey()));
        putIfPresent(n, "webhookSecret", masked(secrets, e, "webhookSecret", e.webhookSecret()));
        putIfPresent(n, "verifyToken", masked(secrets, e, "verifyToken", e.verifyToken()));
        n.put("isActive", e.isActive());
        n.put("isPrimary", e.isPrimary());
        n.put("weight", e.weight());
        if (e.createdAt() != null) {
            n.put("createdAt", e.createdAt().toString());
        }
        if (e.updatedAt() != null) {
            n.put("updatedAt", e.updatedAt().toString());
        }
        return n;
    }

    public static ObjectNode device(Device d, String qrImage, ObjectMapper json) {
        ObjectNode n = json.valueToTree(d);
        putIfPresent(n, "qrImage", qrImage);
        return n;
    }

    public static ObjectNode apiKey(ApiKey k, ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("keyId", k.keyId());
        n.put("tenantId", k.tenantId());
        putIfPresent(n, "prefix", k.prefix());
        if (k.createdAt() != null) {
            n.put("createdAt", k.createdAt().toString());
        }
        if (k.revokedAt() != null) {
            n.put("revokedAt", k.revokedAt().toString());
        }
        return n;
    }

    private static String masked(SecretBox secrets, Endpoint e, String field, Sealed sealed) {
        if (sealed == null) {
            return null;
        }
        try {
            return Masking.mask(secrets.openString(sealed, Endpoint.secretContext(e.tenantId(), e.id(), field)));
        } catch (SecretBox.SealedSecretException ex) {
            return Masking.HIDDEN;
        }
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
