package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an endpoint must look like for its provider. Each provider needs its own fields and must not carry the
 * others' (a WAHA endpoint with a phoneNumberId is a mistake worth telling): Cloud API needs apiVersion,
 * phoneNumberId, apiKey (access token), webhookSecret (app secret) and verifyToken; WAHA needs sessionName,
 * apiKey (X-Api-Key) and webhookSecret (HMAC key); Evolution needs instanceName, apiKey and webhookSecret. Every
 * sealed secret must open for this endpoint and field, so a ciphertext sealed for another endpoint or with an
 * unknown key is refused here rather than failing later in the sender.
 */
final class EndpointRules {
    static final String ID_PREFIX = "ep_";
    static final int MAX_NAME = 100;
    static final int MAX_WEIGHT = 1000;
    private static final Pattern API_VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,3}");
    private static final Pattern PHONE_NUMBER_ID = Pattern.compile("[0-9]{1,32}");
    /** Both become a segment of a provider URL path. */
    private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private static final Map<ProviderType, List<String>> REQUIRED = Map.of(
            ProviderType.CLOUD_API, List.of("apiVersion", "phoneNumberId", "apiKey", "webhookSecret", "verifyToken"),
            ProviderType.WAHA, List.of("sessionName", "apiKey", "webhookSecret"),
            ProviderType.EVOLUTION, List.of("instanceName", "apiKey", "webhookSecret"));
    private static final List<String> PROVIDER_FIELDS = List.of("apiVersion", "phoneNumberId", "sessionName",
            "instanceName", "apiKey", "webhookSecret", "verifyToken");

    private final SecretBox secrets;
    private final EndpointUrlGuard urls;

    EndpointRules(SecretBox secrets, EndpointUrlGuard urls) {
        this.secrets = secrets;
        this.urls = urls;
    }

    /**
     * @param newSecrets the secret fields to try to open: all of a new endpoint's, only the changed ones of an
     *                   update (a secret that was accepted once is not opened again)
     */
    void check(Endpoint e, Set<String> newSecrets) {
        if (blank(e.name())) {
            throw Rejection.missing("name", "name is required");
        }
        if (e.name().length() > MAX_NAME || hasControlCharacters(e.name())) {
            throw Rejection.invalid("name", "name must be at most " + MAX_NAME + " printable characters");
        }
        try {
            urls.check(e.apiUrl());
        } catch (EndpointUrlGuard.UnsafeUrlException ex) {
            throw Rejection.invalid("apiUrl", "apiUrl " + ex.getMessage());
        }
        List<String> required = REQUIRED.get(e.provider());
        for (String field : PROVIDER_FIELDS) {
            boolean present = value(e, field) != null;
            if (required.contains(field) && !present) {
                throw Rejection.missing(field, field + " is required for a " + e.provider().wireName() + " endpoint");
            }
            if (!required.contains(field) && present) {
                throw Rejection.unprocessable(Codes.FIELD_NOT_APPLICABLE, field,
                        field + " does not apply to a " + e.provider().wireName() + " endpoint");
            }
        }
        format("apiVersion", e.apiVersion(), API_VERSION, "a Graph API version such as v23.0");
        format("phoneNumberId", e.phoneNumberId(), PHONE_NUMBER_ID, "the digits of a Cloud API phone number id");
        format("sessionName", e.sessionName(), SESSION_NAME, "1-64 letters, digits, '_' or '-'");
        format("instanceName", e.instanceName(), INSTANCE_NAME, "1-64 letters, digits, '_', '.' or '-'");
        if (e.weight() < 1 || e.weight() > MAX_WEIGHT) {
            throw Rejection.invalid("weight", "weight must be between 1 and " + MAX_WEIGHT);
        }
        for (String field : newSecrets) {
            Sealed sealed = (Sealed) value(e, field);
            if (sealed != null) {
                opens(e, field, sealed);
            }
        }
    }

    private void opens(Endpoint e, String field, Sealed sealed) {
        try {
            // Opened only to prove it belongs to this endpoint; the plaintext is dropped at once.
            secrets.open(sealed, Endpoint.secretContext(e.tenantId(), e.id(), field));
        } catch (SecretBox.SealedSecretException ex) {
            throw Rejection.unprocessable(Codes.INVALID_SECRET, field,
                    field + " is not sealed for this endpoint with a current key (" + ex.getMessage() + ")");
        }
    }

    private static void format(String field, String value, Pattern pattern, String expected) {
        if (value != null && !pattern.matcher(value).matches()) {
            throw Rejection.invalid(field, field + " must be " + expected);
        }
    }

    static boolean isEndpointId(String id) {
        return id != null && id.startsWith(ID_PREFIX) && com.booqing.whatsapp.common.tenant.Ids.isValidGeneratedId(id);
    }

    private static Object value(Endpoint e, String field) {
        return switch (field) {
            case "apiVersion" -> e.apiVersion();
            case "phoneNumberId" -> e.phoneNumberId();
            case "sessionName" -> e.sessionName();
            case "instanceName" -> e.instanceName();
            case "apiKey" -> e.apiKey();
            case "webhookSecret" -> e.webhookSecret();
            case "verifyToken" -> e.verifyToken();
            default -> throw new IllegalArgumentException(field);
        };
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static boolean hasControlCharacters(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}
