package com.booqing.whatsapp.ingress.http;

/**
 * The 404s of the management API. A tenant key asking for another tenant's tenant, endpoint, device, key or
 * command gets exactly the body of one that does not exist, so nothing tells whether it does.
 */
public final class NotFound {
    private NotFound() {
    }

    public static ApiException tenant() {
        return new ApiException(404, "tenant_not_found", "tenant not found");
    }

    public static ApiException endpoint() {
        return new ApiException(404, "endpoint_not_found", "endpoint not found");
    }

    public static ApiException device() {
        return new ApiException(404, "device_not_found", "device not found");
    }

    public static ApiException apiKey() {
        return new ApiException(404, "api_key_not_found", "API key not found");
    }

    public static ApiException command() {
        return new ApiException(404, "command_not_found", "command not found");
    }
}
