package com.booqing.whatsapp.processor.projection;

/**
 * How many times the projector retries a record whose Redis writes failed transiently, after the first attempt.
 * The record's tenant decides ({@link TenantRetries}: its {@code webhookRetries}); records that name no tenant,
 * and tenants not known (yet), get a default.
 */
@FunctionalInterface
public interface RetryBudget {

    /** @param tenantId the record's tenant, or null when it names none */
    int retriesFor(String tenantId);

    static RetryBudget fixed(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        return tenantId -> retries;
    }
}
