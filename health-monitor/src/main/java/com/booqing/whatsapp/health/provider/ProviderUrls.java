package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Builds provider URLs from an endpoint. Only plain path segments are put into a path, so a session name
 * cannot walk to another route; the base must be http(s) without user info.
 */
public final class ProviderUrls {
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

    private ProviderUrls() {
    }

    /** @throws IllegalArgumentException with a message safe to publish */
    public static URI of(Endpoint endpoint, String path) {
        String base = withoutTrailingSlashes(endpoint.apiUrl());
        URI parsed;
        try {
            parsed = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint API URL is not a URL");
        }
        if (!("https".equals(parsed.getScheme()) || "http".equals(parsed.getScheme())) || parsed.getHost() == null) {
            throw new IllegalArgumentException("endpoint API URL must be http(s)");
        }
        if (parsed.getRawUserInfo() != null || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint API URL must not carry user info, a query or a fragment");
        }
        return URI.create(base + path);
    }

    /** Without its trailing slashes; done by hand, as it runs for every check (String.replaceAll compiles a regex). */
    static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return end == url.length() ? url : url.substring(0, end);
    }

    /** @throws IllegalArgumentException naming the field when the value is missing or not a plain segment */
    public static String segment(String value, String field) {
        if (value == null || !PATH_SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException("endpoint " + field + " is missing or not a plain path segment");
        }
        return value;
    }
}
