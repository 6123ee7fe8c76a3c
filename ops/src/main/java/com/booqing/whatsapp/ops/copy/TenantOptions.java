package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.BadArgumentsException;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** --tenant T[,T...] or --all-tenants: one of the two, said explicitly, since "all" is a big thing to do by default. */
public final class TenantOptions {
    @Option(names = "--tenant", paramLabel = "TENANT", split = ",", description = "only this tenant's records (repeatable)")
    List<String> tenants;

    @Option(names = "--all-tenants", description = "every tenant's records")
    boolean allTenants;

    /** @return the chosen tenants; empty = all */
    public Set<String> chosen() {
        boolean some = tenants != null && !tenants.isEmpty();
        if (some == allTenants) {
            throw new BadArgumentsException(some ? "give --tenant or --all-tenants, not both"
                    : "say whose records: --tenant TENANT (repeatable) or --all-tenants");
        }
        return some ? new LinkedHashSet<>(tenants) : Set.of();
    }
}
