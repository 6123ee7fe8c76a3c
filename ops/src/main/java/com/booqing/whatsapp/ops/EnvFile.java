package com.booqing.whatsapp.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code KEY=VALUE} file such as the {@code .run/local.env} that {@code ./run-local.sh} writes, read as defaults
 * under the real environment (a variable that is set wins over the file). The local stack's short names are mapped
 * to the variables the tool reads: {@code INGRESS} to {@code OPS_INGRESS_URL}, {@code SIMULATOR} to
 * {@code OPS_SIMULATOR_URL}, {@code ADMIN_KEY} to {@code WHATSAPP_ADMIN_API_KEY}.
 */
public final class EnvFile {
    static final Map<String, String> ALIASES = Map.of(
            "INGRESS", "OPS_INGRESS_URL",
            "SIMULATOR", "OPS_SIMULATOR_URL",
            "ADMIN_KEY", "WHATSAPP_ADMIN_API_KEY");

    private EnvFile() {
    }

    /** The file's variables (aliases resolved) with {@code environment} on top. */
    public static Map<String, String> merge(Path file, Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>(read(file));
        merged.putAll(environment);
        return merged;
    }

    static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadArgumentsException("cannot read the environment file " + file + ": " + e.getMessage());
        }
        return parse(text);
    }

    static Map<String, String> parse(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = unquote(line.substring(eq + 1).strip());
            vars.put(ALIASES.getOrDefault(name, name), value);
        }
        return vars;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
