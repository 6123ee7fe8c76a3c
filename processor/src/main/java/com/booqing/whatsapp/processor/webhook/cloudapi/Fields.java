package com.booqing.whatsapp.processor.webhook.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Null-tolerant reads of provider JSON: a missing or mistyped field is null, never an exception. */
final class Fields {
    /** Unix seconds outside 1970..5138 are not timestamps. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

    private Fields() {
    }

    static String text(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    static Double number(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            try {
                double d = Double.parseDouble(v.asText());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static Boolean bool(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    /** Cloud API timestamps are unix seconds as a string (sometimes a number). */
    static Instant epochSeconds(JsonNode v) {
        if (v == null || v.isNull() || !v.isValueNode()) {
            return null;
        }
        try {
            long s = Long.parseLong(v.asText().trim());
            return s > 0 && s < MAX_EPOCH_SECONDS ? Instant.ofEpochSecond(s) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static List<JsonNode> array(JsonNode node, String name) {
        List<JsonNode> items = new ArrayList<>();
        if (node != null && node.isObject() && node.get(name) != null && node.get(name).isArray()) {
            node.get(name).forEach(items::add);
        }
        return items;
    }
}
