package com.booqing.whatsapp.processor.webhook;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Null-tolerant reads of provider JSON: a missing or mistyped field is null, never an exception. */
public final class Fields {
    /** Unix seconds outside 1970..5138 are not timestamps. */
    private static final long MAX_EPOCH_SECONDS = 100_000_000_000L;

    private Fields() {
    }

    public static String text(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    public static Double number(JsonNode node, String name) {
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

    public static Boolean bool(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    /** Cloud API timestamps are unix seconds as a string (sometimes a number). */
    public static Instant epochSeconds(JsonNode v) {
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

    /** Unix seconds given as a number or a string, possibly with a fraction (WAHA WEBJS reactions). */
    public static Instant epochSecondsWithFraction(JsonNode v) {
        if (v == null || v.isNull() || !v.isValueNode()) {
            return null;
        }
        try {
            double s = Double.parseDouble(v.asText().trim());
            if (!Double.isFinite(s) || s <= 0 || s >= MAX_EPOCH_SECONDS) {
                return null;
            }
            return Instant.ofEpochMilli(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Unix milliseconds given as a number or a string. */
    public static Instant epochMillis(JsonNode v) {
        if (v == null || v.isNull() || !v.isValueNode()) {
            return null;
        }
        try {
            long ms = Long.parseLong(v.asText().trim());
            return ms > 0 && ms < MAX_EPOCH_SECONDS * 1000 ? Instant.ofEpochMilli(ms) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The named child when it is a JSON object, else null. */
    public static JsonNode object(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(name);
        return v != null && v.isObject() ? v : null;
    }

    /** Follows object children by name; null as soon as one is missing or not an object (the last may be any). */
    public static JsonNode path(JsonNode node, String... names) {
        JsonNode current = node;
        for (String name : names) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(name);
        }
        return current == null || current.isNull() ? null : current;
    }

    /** The text at a path of object children, or null. */
    public static String textAt(JsonNode node, String... names) {
        JsonNode v = path(node, names);
        return v == null || !v.isValueNode() ? null : v.asText();
    }

    public static List<JsonNode> array(JsonNode node, String name) {
        List<JsonNode> items = new ArrayList<>();
        if (node != null && node.isObject() && node.get(name) != null && node.get(name).isArray()) {
            node.get(name).forEach(items::add);
        }
        return items;
    }
}
