package com.booqing.whatsapp.processor.management;

/** The {@code code} of every command outcome; MANAGEMENT.md lists them with their HTTP status. */
public final class Codes {
    public static final String APPLIED = "applied";
    public static final String INVALID_COMMAND = "invalid_command";
    public static final String TENANT_NOT_FOUND = "tenant_not_found";
    public static final String ENDPOINT_NOT_FOUND = "endpoint_not_found";
    public static final String DEVICE_NOT_FOUND = "device_not_found";
    public static final String API_KEY_NOT_FOUND = "api_key_not_found";
    public static final String TENANT_EXISTS = "tenant_exists";
    public static final String ENDPOINT_EXISTS = "endpoint_exists";
    public static final String DEVICE_EXISTS = "device_exists";
    public static final String API_KEY_EXISTS = "api_key_exists";
    public static final String ENDPOINT_HAS_DEVICES = "endpoint_has_devices";
    public static final String MISSING_FIELD = "missing_field";
    public static final String INVALID_FIELD = "invalid_field";
    public static final String FIELD_NOT_APPLICABLE = "field_not_applicable";
    public static final String INVALID_SECRET = "invalid_secret";
    public static final String PAIRING_NOT_SUPPORTED = "pairing_not_supported";
    public static final String INTERNAL_ERROR = "internal_error";

    private Codes() {
    }
}
