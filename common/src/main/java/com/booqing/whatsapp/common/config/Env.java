package com.booqing.whatsapp.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Typed, validated access to environment variables. Every failure names the variable, never its value,
 * because some variables hold secrets.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(Objects.requireNonNull(vars));
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String string(String name, String defaultValue) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(String name) {
        String v = string(name, null);
        if (v == null) {
            throw new ConfigException(name, "is required but not set");
        }
        return v;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return parse(name, defaultValue, s -> {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max);
            }
            return v;
        }, "a whole number");
    }

    public boolean bool(String name, boolean defaultValue) {
        return parse(name, defaultValue, s -> switch (s.toLowerCase()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be true or false");
        }, "true or false");
    }

    /** A duration given as a whole number of {@code unit}s, as the brief's variables are. */
    public Duration duration(String name, Duration defaultValue, java.time.temporal.ChronoUnit unit, long min, long max) {
        return parse(name, defaultValue, s -> {
            long v = Long.parseLong(s);
            if (v < min || v > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max + " " + unit.name().toLowerCase());
            }
            return Duration.of(v, unit);
        }, "a whole number of " + unit.name().toLowerCase());
    }

    public URI uri(String name, String defaultValue, String... schemes) {
        String raw = string(name, defaultValue);
        try {
            URI uri = new URI(raw);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigException(name, "must be an absolute URL");
            }
            if (schemes.length > 0 && !java.util.Arrays.asList(schemes).contains(uri.getScheme())) {
                throw new ConfigException(name, "must use one of the schemes " + String.join(", ", schemes));
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(name, "is not a valid URL");
        }
    }

    private <T> T parse(String name, T defaultValue, Function<String, T> parser, String expected) {
        String v = string(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be " + expected);
        }
    }
}
