package com.booqing.whatsapp.sender.provider;

/** Gateway error codes shared by the adapters, for failures that are not the provider's own codes. */
public final class ProviderCodes {
    /** The endpoint's settings cannot make a valid request (URL, phone number id, session, instance). */
    public static final String ENDPOINT_MISCONFIGURED = "endpoint_misconfigured";
    /** The endpoint has no API key, or it cannot be opened with this deployment's keys. */
    public static final String SECRET_UNAVAILABLE = "endpoint_secret_unavailable";
    /** The message lacks something the provider requires (a media URL, a title); sending again won't help. */
    public static final String INVALID_CONTENT = "invalid_content";
    /** The endpoint URL, or an address its host resolves to, may not be called (EndpointUrlGuard). */
    public static final String ENDPOINT_URL_REFUSED = "endpoint_url_refused";

    private ProviderCodes() {
    }
}
