package com.booqing.whatsapp.ops.copy;

import java.time.Duration;
import java.util.Set;

/**
 * One replay or redrive, fully decided from the arguments.
 *
 * @param verb          "replay" or "redrive", for every line printed
 * @param source        the topic read
 * @param destination   the topic written
 * @param tenants       tenants whose records are copied; empty = every tenant
 * @param group         the consumer group that handles the destination, waited for unless {@code waitTimeout} is null
 * @param waitTimeout   how long to wait for {@code group}; null = do not wait
 */
public record CopyJob(String verb, String source, String destination, RangeSpec range, Set<String> tenants,
                      boolean dryRun, boolean force, String group, Duration waitTimeout) {

    public CopyJob {
        tenants = Set.copyOf(tenants);
    }

    public String tenantsText() {
        return tenants.isEmpty() ? "all tenants" : (tenants.size() == 1 ? "tenant " : "tenants ")
                + String.join(", ", new java.util.TreeSet<>(tenants));
    }
}
