package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.ingress.docs.ApiDocs;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operations of openapi.yaml, for tests that call every documented route. */
final class Documented {
    static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    private Documented() {
    }

    record Operation(String method, String path, JsonNode spec, JsonNode pathItem, JsonNode document) {

        boolean isPublic() {
            JsonNode security = spec.get("security");
            return security != null && security.isArray() && security.isEmpty();
        }

        Set<Integer> statuses() {
            Set<Integer> out = new TreeSet<>();
            spec.get("responses").fieldNames().forEachRemaining(s -> out.add(Integer.parseInt(s)));
            return out;
        }

        List<String> pathParams() {
            List<String> names = new ArrayList<>();
            Matcher m = PARAM.matcher(path);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        /** The path with its parameters replaced; unknown names fail the test. */
        String path(Map<String, String> values) {
            Matcher m = PARAM.matcher(path);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = values.get(m.group(1));
                if (v == null) {
                    throw new AssertionError("no test value for path parameter " + m.group(1) + " of " + this);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** True when the operation answers an endless event stream (text/event-stream). */
        boolean streams() {
            return spec.path("responses").path("200").path("content").has("text/event-stream");
        }

        /** Enum values of the query parameter {@code name}, or empty when the operation has none. */
        List<String> queryEnum(String name) {
            List<String> values = new ArrayList<>();
            for (JsonNode p : parameters()) {
                if (name.equals(p.path("name").asText()) && "query".equals(p.path("in").asText())) {
                    p.path("schema").path("enum").forEach(v -> values.add(v.asText()));
                }
            }
            return values;
        }

        /** The request body examples (named ones, or the single one), as JSON text. */
        List<String> bodyExamples() {
            JsonNode content = spec.path("requestBody").path("content").path("application/json");
            List<String> out = new ArrayList<>();
            if (content.has("example")) {
                out.add(content.get("example").toString());
            }
            content.path("examples").forEach(e -> out.add(e.get("value").toString()));
            return out;
        }

        private List<JsonNode> parameters() {
            List<JsonNode> out = new ArrayList<>();
            pathItem.path("parameters").forEach(out::add);
            spec.path("parameters").forEach(out::add);
            List<JsonNode> resolved = new ArrayList<>();
            for (JsonNode p : out) {
                if (p.has("$ref")) {
                    String name = p.get("$ref").asText().replace("#/components/parameters/", "");
                    resolved.add(document.path("components").path("parameters").path(name));
                } else {
                    resolved.add(p);
                }
            }
            return resolved;
        }

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    static List<Operation> operations() {
        JsonNode doc;
        try {
            doc = ApiDocs.document();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Operation> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fields().forEachRemaining(m -> {
                if (METHODS.contains(m.getKey())) {
                    out.add(new Operation(m.getKey().toUpperCase(Locale.ROOT), p.getKey(), m.getValue(), p.getValue(),
                            doc));
                }
            });
        }
        return out;
    }
}
