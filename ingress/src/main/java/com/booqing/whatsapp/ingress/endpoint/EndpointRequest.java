package com.booqing.whatsapp.ingress.endpoint;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.management.ManagementCommand.EndpointPatch;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Body of {@code POST /api/whatsapp/endpoints/{tenantId}} (create) and {@code PUT …/{endpointId}} (update).
 *
 * <p>What each provider needs (all required on create; on update any subset):
 * <pre>
 * cloud-api: phoneNumberId, accessToken, appSecret, verifyToken; apiUrl (default https://graph.facebook.com),
 *            apiVersion (default v23.0)
 * waha:      apiUrl, apiKey, sessionName, hmacKey
 * evolution: apiUrl, apiKey, instanceName, webhookSecret
 * </pre>
 * The brief's generic names are accepted as well: {@code apiKey} for the Cloud API access token, and
 * {@code webhookSecret} for the Cloud API app secret or the WAHA HMAC key (not both names at once). A field
 * another provider uses is refused, so a typo does not silently go nowhere. {@code webhookUrl}, {@code healthStatus}
 * and {@code lastHealthCheck} are read-only (the brief's example sends them): accepted and ignored. Every refusal
 * names the field and never quotes a secret.
 */
public record EndpointRequest(
        String tenantId,
        String name,
        String provider,
        String apiUrl,
        String apiVersion,
        String phoneNumberId,
        String sessionName,
        String instanceName,
        String apiKey,
        String accessToken,
        String appSecret,
        String hmacKey,
        String webhookSecret,
        String verifyToken,
        Boolean isActive,
        Boolean isPrimary,
        Integer weight,
        JsonNode webhookUrl,
        JsonNode healthStatus,
        JsonNode lastHealthCheck) {

    public static final String CLOUD_API_URL = "https://graph.facebook.com";
    public static final String CLOUD_API_VERSION = "v23.0";
    private static final Pattern API_VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,3}");
    private static final Pattern PHONE_NUMBER_ID = Pattern.compile("[0-9]{1,32}");
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MIN_SECRET = 8;
    private static final int MAX_SECRET = 4096;
    private static final int MAX_NAME = 100;
    private static final int MAX_WEIGHT = 1000;

    /** A new endpoint with its secrets sealed to it. */
    public Endpoint toEndpoint(String pathTenantId, String endpointId, SecretBox secrets, EndpointUrlGuard guard,
                               Instant now) {
        checkTenant(pathTenantId);
        if (provider == null) {
            throw ApiException.invalidField("provider", "provider is required: cloud-api, waha or evolution");
        }
        ProviderType type = providerType();
        Secrets s = secrets(type);
        String url = apiUrl == null && type == ProviderType.CLOUD_API ? CLOUD_API_URL : required("apiUrl", apiUrl, type);
        checkUrl(guard, url);
        checkName();
        checkWeight();
        checkNotFor(type);
        String version = null;
        if (type == ProviderType.CLOUD_API) {
            version = apiVersion == null ? CLOUD_API_VERSION : checkedVersion();
            checkPattern("phoneNumberId", required("phoneNumberId", phoneNumberId, type), PHONE_NUMBER_ID,
                    "phoneNumberId must be digits");
            required(s.apiKeyField(), s.apiKey(), type);
            required(s.webhookSecretField(), s.webhookSecret(), type);
            required("verifyToken", verifyToken, type);
        } else if (type == ProviderType.WAHA) {
            checkPattern("sessionName", required("sessionName", sessionName, type), SESSION,
                    "sessionName must be 1-64 letters, digits, '_' or '-'");
            required("apiKey", s.apiKey(), type);
            required(s.webhookSecretField(), s.webhookSecret(), type);
        } else {
            checkPattern("instanceName", required("instanceName", instanceName, type), SESSION,
                    "instanceName must be 1-64 letters, digits, '_' or '-'");
            required("apiKey", s.apiKey(), type);
            required("webhookSecret", s.webhookSecret(), type);
        }
        return new Endpoint(endpointId, pathTenantId, name == null ? type.wireName() + " endpoint" : name.trim(), type,
                url, version, phoneNumberId, sessionName, instanceName,
                seal(secrets, pathTenantId, endpointId, "apiKey", s.apiKeyField(), s.apiKey()),
                seal(secrets, pathTenantId, endpointId, "webhookSecret", s.webhookSecretField(), s.webhookSecret()),
                seal(secrets, pathTenantId, endpointId, "verifyToken", "verifyToken", verifyToken),
                isActive == null || isActive, isPrimary != null && isPrimary, weight == null ? 1 : weight, now, now);
    }

    /** The changes to an existing endpoint of the given provider; secrets sealed to it. */
    public EndpointPatch toPatch(String pathTenantId, String endpointId, ProviderType existing, SecretBox secrets,
                                 EndpointUrlGuard guard) {
        checkTenant(pathTenantId);
        if (provider != null && providerType() != existing) {
            throw ApiException.invalidField("provider", "provider cannot be changed; create a new endpoint");
        }
        Secrets s = secrets(existing);
        if (apiUrl != null) {
            checkUrl(guard, apiUrl);
        }
        checkName();
        checkWeight();
        checkNotFor(existing);
        if (apiVersion != null) {
            checkedVersion();
        }
        if (phoneNumberId != null) {
            checkPattern("phoneNumberId", phoneNumberId, PHONE_NUMBER_ID, "phoneNumberId must be digits");
        }
        if (sessionName != null) {
            checkPattern("sessionName", sessionName, SESSION, "sessionName must be 1-64 letters, digits, '_' or '-'");
        }
        if (instanceName != null) {
            checkPattern("instanceName", instanceName, SESSION,
                    "instanceName must be 1-64 letters, digits, '_' or '-'");
        }
        EndpointPatch patch = new EndpointPatch(name == null ? null : name.trim(), apiUrl == null ? null : apiUrl.trim(),
                apiVersion, phoneNumberId, sessionName, instanceName,
                seal(secrets, pathTenantId, endpointId, "apiKey", s.apiKeyField(), s.apiKey()),
                seal(secrets, pathTenantId, endpointId, "webhookSecret", s.webhookSecretField(), s.webhookSecret()),
                seal(secrets, pathTenantId, endpointId, "verifyToken", "verifyToken", verifyToken),
                isActive, isPrimary, weight);
        if (isEmpty(patch)) {
            throw ApiException.badRequest("the request changes nothing");
        }
        return patch;
    }

    private static boolean isEmpty(EndpointPatch p) {
        return p.name() == null && p.apiUrl() == null && p.apiVersion() == null && p.phoneNumberId() == null
                && p.sessionName() == null && p.instanceName() == null && p.apiKey() == null
                && p.webhookSecret() == null && p.verifyToken() == null && p.isActive() == null
                && p.isPrimary() == null && p.weight() == null;
    }

    /** The provider's two secrets, under whichever name the caller used. */
    private record Secrets(String apiKeyField, String apiKey, String webhookSecretField, String webhookSecret) {
    }

    private Secrets secrets(ProviderType type) {
        return switch (type) {
            case CLOUD_API -> new Secrets(
                    accessToken != null ? "accessToken" : apiKey != null ? "apiKey" : "accessToken",
                    oneOf("accessToken", accessToken, "apiKey", apiKey),
                    appSecret != null ? "appSecret" : webhookSecret != null ? "webhookSecret" : "appSecret",
                    oneOf("appSecret", appSecret, "webhookSecret", webhookSecret));
            case WAHA -> new Secrets("apiKey", apiKey,
                    hmacKey != null ? "hmacKey" : webhookSecret != null ? "webhookSecret" : "hmacKey",
                    oneOf("hmacKey", hmacKey, "webhookSecret", webhookSecret));
            case EVOLUTION -> new Secrets("apiKey", apiKey, "webhookSecret", webhookSecret);
        };
    }

    /** Fields that belong to other providers. */
    private void checkNotFor(ProviderType type) {
        if (type != ProviderType.CLOUD_API) {
            notFor(type, "accessToken", accessToken);
            notFor(type, "appSecret", appSecret);
            notFor(type, "verifyToken", verifyToken);
            notFor(type, "phoneNumberId", phoneNumberId);
            notFor(type, "apiVersion", apiVersion);
        }
        if (type != ProviderType.WAHA) {
            notFor(type, "hmacKey", hmacKey);
            notFor(type, "sessionName", sessionName);
        }
        if (type != ProviderType.EVOLUTION) {
            notFor(type, "instanceName", instanceName);
        }
    }

    private static void notFor(ProviderType type, String field, String value) {
        if (value != null) {
            throw ApiException.invalidField(field, field + " is not used by " + type.wireName() + " endpoints");
        }
    }

    private static String oneOf(String field, String value, String alias, String aliasValue) {
        if (value != null && aliasValue != null) {
            throw ApiException.invalidField(alias, "give either " + field + " or " + alias + ", not both");
        }
        return value != null ? value : aliasValue;
    }

    private ProviderType providerType() {
        for (ProviderType p : ProviderType.values()) {
            if (p.wireName().equals(provider)) {
                return p;
            }
        }
        throw ApiException.invalidField("provider", "unknown provider; expected cloud-api, waha or evolution");
    }

    private void checkTenant(String pathTenantId) {
        if (tenantId != null && !tenantId.equals(pathTenantId)) {
            throw ApiException.invalidField("tenantId", "tenantId must be the tenant of the path");
        }
    }

    private static String required(String field, String value, ProviderType type) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalidField(field, field + " is required for " + type.wireName() + " endpoints");
        }
        return value;
    }

    private static void checkUrl(EndpointUrlGuard guard, String url) {
        try {
            guard.check(url);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            throw ApiException.invalidField("apiUrl", "apiUrl " + e.getMessage());
        }
    }

    private void checkName() {
        if (name != null && (name.isBlank() || name.length() > MAX_NAME || hasControl(name))) {
            throw ApiException.invalidField("name", "name must be 1-" + MAX_NAME + " printable characters");
        }
    }

    private void checkWeight() {
        if (weight != null && (weight < 1 || weight > MAX_WEIGHT)) {
            throw ApiException.invalidField("weight", "weight must be between 1 and " + MAX_WEIGHT);
        }
    }

    private String checkedVersion() {
        checkPattern("apiVersion", apiVersion, API_VERSION, "apiVersion must look like v23.0");
        return apiVersion;
    }

    private static void checkPattern(String field, String value, Pattern pattern, String message) {
        if (!pattern.matcher(value).matches()) {
            throw ApiException.invalidField(field, message);
        }
    }

    private static Sealed seal(SecretBox secrets, String tenantId, String endpointId, String storedAs, String field,
                               String plaintext) {
        if (plaintext == null) {
            return null;
        }
        if (plaintext.length() < MIN_SECRET || plaintext.length() > MAX_SECRET || plaintext.isBlank()
                || hasControl(plaintext)) {
            throw ApiException.invalidField(field, field + " must be " + MIN_SECRET + "-" + MAX_SECRET
                    + " characters without control characters");
        }
        return secrets.seal(plaintext, Endpoint.secretContext(tenantId, endpointId, storedAs));
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "EndpointRequest[provider=" + provider + ", name=" + name + "]";
    }
}
