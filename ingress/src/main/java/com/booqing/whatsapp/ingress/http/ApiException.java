package com.booqing.whatsapp.ingress.http;

import java.util.Map;
import java.util.Objects;

/**
 * A refusal a handler throws; {@link ErrorMapping} turns it into {@code {code, message}} with its status. The
 * message is shown to the caller, so it never carries secrets or request bodies.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    /** @param field the request field at fault (JSON path such as {@code apiUrl}), or null */
    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** Extra response headers (Retry-After, ...). */
    public Map<String, String> headers() {
        return Map.of();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    /** 400 naming the field: {@code {code: "invalid_field", field, message}}. */
    public static ApiException invalidField(String field, String message) {
        return new ApiException(400, "invalid_field", message, field);
    }

    public static ApiException invalidTenantId() {
        return new ApiException(400, "invalid_tenant_id",
                "tenant id must be 1-63 letters, digits, '_' or '-', starting with a letter or digit and not"
                        + " with 'dev_'", "tenantId");
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "a valid API key is required");
    }

    public static ApiException forbidden() {
        return new ApiException(403, "forbidden", "this route needs the admin API key");
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException payloadTooLarge(int maxBytes) {
        return new ApiException(413, "payload_too_large", "request body is larger than " + maxBytes + " bytes");
    }

    public static ApiException unsupportedMediaType() {
        return new ApiException(415, "unsupported_media_type", "request body must be application/json");
    }

    public static ApiException internalError() {
        return new ApiException(500, "internal_error", "internal error");
    }
}
