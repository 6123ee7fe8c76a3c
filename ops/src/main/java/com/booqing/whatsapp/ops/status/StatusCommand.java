package com.booqing.whatsapp.ops.status;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.ops.OpsCommand;
import com.booqing.whatsapp.ops.OpsContext;
import com.booqing.whatsapp.ops.tenant.Tenants;
import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import redis.clients.jedis.JedisPooled;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code status} (the brief's {@code whatsapp:status}): every tenant's endpoints and devices with their health, from
 * the Redis read model the services keep (configuration, masked endpoints, the health monitor's last verdicts,
 * devices). Reads only.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Prints every tenant's endpoints and devices with their health (brief: whatsapp:status)."})
public final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    OpsCommand parent;

    @Parameters(paramLabel = "TENANT", arity = "0..*", description = "only these tenants (default: all)")
    List<String> tenantIds;

    @Option(names = "--json", description = "one JSON document instead of text")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        OpsContext ctx = parent.context();
        Instant now = ctx.clock().instant();
        List<TenantStatus> report = new ArrayList<>();
        try (JedisPooled redis = RedisClients.pooled(ctx.settings().gateway().redisUrl(), 2)) {
            Tenants tenants = new Tenants(ctx.settings(), redis);
            List<String> chosen;
            if (tenantIds == null || tenantIds.isEmpty()) {
                chosen = tenants.all();
            } else {
                tenants.requireExisting(tenantIds);
                chosen = List.copyOf(new java.util.LinkedHashSet<>(tenantIds));
            }
            StatusReader reader = new StatusReader(redis, ctx.settings().keys());
            for (String t : chosen) {
                report.add(reader.read(t, now));
            }
        }
        if (json) {
            ctx.out().println(Json.lenient().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            print(ctx.out(), report);
        }
        return OpsCommand.OK;
    }

    static void print(PrintWriter out, List<TenantStatus> report) {
        if (report.isEmpty()) {
            out.println("no tenants (none initialised in this Redis namespace)");
            return;
        }
        for (TenantStatus t : report) {
            out.printf("tenant %s  primary %s, failover %s%n", t.tenantId(),
                    t.primaryEndpointId() == null ? "none" : t.primaryEndpointId(),
                    t.failoverEnabled() == null ? "?" : t.failoverEnabled() ? "on" : "off");
            if (t.endpoints().isEmpty()) {
                out.println("  no endpoints");
            }
            for (TenantStatus.EndpointStatus e : t.endpoints()) {
                out.printf("  endpoint %-22s %-9s %-8s %-8s health %s  \"%s\" %s%n", e.id(), e.provider(),
                        e.primary() ? "primary" : "weight " + e.weight(), e.active() ? "active" : "inactive",
                        health(e.health()), e.name() == null ? "" : e.name(), e.apiUrl() == null ? "" : e.apiUrl());
            }
            if (t.devices().isEmpty()) {
                out.println("  no devices");
            }
            for (TenantStatus.DeviceStatus d : t.devices()) {
                out.printf("  device   %-22s %-12s %-16s on %s%s  \"%s\"%n", d.id(), d.status(),
                        d.phoneNumber() == null ? "(no number)" : d.phoneNumber(), d.endpointId(),
                        d.reconnectAttempts() > 0 ? ", reconnect attempt " + d.reconnectAttempts() : "",
                        d.name() == null ? "" : d.name());
            }
        }
        out.flush();
    }

    static String health(TenantStatus.Health h) {
        if (h == null) {
            return "unknown (not checked yet)";
        }
        StringBuilder b = new StringBuilder(h.state() == null ? "?" : h.state());
        List<String> parts = new ArrayList<>();
        if (h.ageSeconds() != null) {
            parts.add("checked " + h.ageSeconds() + " s ago" + (h.stale() ? ", STALE" : ""));
        }
        if (h.latencyMs() != null) {
            parts.add(h.latencyMs() + " ms");
        }
        if (h.lastError() != null) {
            parts.add("last error: " + h.lastError());
        }
        if (!parts.isEmpty()) {
            b.append(" (").append(String.join(", ", parts)).append(')');
        }
        return b.toString();
    }
}
