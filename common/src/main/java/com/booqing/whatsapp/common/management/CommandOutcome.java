package com.booqing.whatsapp.common.management;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * The processor's answer to one {@link ManagementCommand}, on the management-outcomes topic (key: command id).
 *
 * @param httpStatus what the REST layer answers: 200/201 when applied, 404/409/422 when refused
 * @param code       machine-readable reason when refused (e.g. "endpoint_not_found"), "applied" otherwise
 * @param detail     what else happened, for people (e.g. "ep_2 promoted to primary")
 * @param resource   the resulting resource as the API shows it, secrets masked; null for deletions
 */
public record CommandOutcome(
        String commandId,
        String tenantId,
        Status status,
        int httpStatus,
        String code,
        String message,
        String subjectId,
        String detail,
        JsonNode resource,
        Instant appliedAt) {

    public enum Status { APPLIED, REJECTED }

    public CommandOutcome {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(status, "status");
    }
}
