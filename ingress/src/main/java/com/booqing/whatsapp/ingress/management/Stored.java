package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Optional;

/** Reading fields of stored JSON resources without trusting their shape. */
public final class Stored {
    /** Oldest first by createdAt, then by id, so lists have a stable order. */
    public static final Comparator<JsonNode> OLDEST_FIRST = Comparator
            .comparing((JsonNode n) -> instant(n, "createdAt").orElse(Instant.EPOCH))
            .thenComparing(n -> text(n, "id"), Comparator.nullsFirst(Comparator.naturalOrder()));

    private Stored() {
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    public static Optional<Instant> instant(JsonNode node, String field) {
        String raw = text(node, field);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(raw));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static boolean belongsTo(JsonNode node, String tenantId) {
        return node != null && node.isObject() && tenantId.equals(text(node, "tenantId"));
    }

    /**
     * True when the stored resource shows the outcome's change (or a later one): its {@code updatedAt} is at least
     * the outcome resource's {@code updatedAt}, or, when the outcome carries no resource time, its
     * {@code appliedAt}. The resource's own time also covers an applied command that changed nothing (the
     * processor then writes nothing and the resource keeps its older time).
     */
    public static boolean reflects(JsonNode stored, CommandOutcome outcome) {
        Optional<Instant> target = instant(outcome.resource(), "updatedAt");
        return reflects(stored, target.orElse(outcome.appliedAt()));
    }

    /** True when the stored resource was updated at {@code at} or later. */
    public static boolean reflects(JsonNode stored, Instant at) {
        if (stored == null) {
            return false;
        }
        if (at == null) {
            return true;
        }
        return instant(stored, "updatedAt").map(u -> !u.isBefore(at)).orElse(false);
    }
}
