package com.booqing.whatsapp.ops.status;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Reads a tenant's configuration, endpoints (masked), their health and its devices from the Redis read model. */
final class StatusReader {
    private static final ObjectMapper JSON = Json.lenient();

    private final JedisPooled redis;
    private final RedisKeys keys;

    StatusReader(JedisPooled redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    TenantStatus read(String tenantId, Instant now) {
        JsonNode config = json(redis.get(keys.config(tenantId)));
        Integer interval = config.hasNonNull("healthCheckInterval") ? config.get("healthCheckInterval").asInt() : null;
        List<TenantStatus.EndpointStatus> endpoints = new ArrayList<>();
        for (String id : new TreeSet<>(redis.smembers(keys.tenantEndpoints(tenantId)))) {
            JsonNode e = json(redis.get(keys.endpoint(id)));
            if (e.isMissingNode()) {
                continue; // listed but already deleted: the projector removes the member next
            }
            endpoints.add(new TenantStatus.EndpointStatus(id, text(e, "name"), text(e, "provider"), text(e, "apiUrl"),
                    e.path("isActive").asBoolean(false), e.path("isPrimary").asBoolean(false), e.path("weight").asInt(1),
                    health(json(redis.get(keys.health(id))), interval, now)));
        }
        endpoints.sort(Comparator.comparing((TenantStatus.EndpointStatus e) -> !e.primary())
                .thenComparing(TenantStatus.EndpointStatus::id));
        List<TenantStatus.DeviceStatus> devices = new ArrayList<>();
        for (String id : new TreeSet<>(redis.smembers(keys.tenantDevices(tenantId)))) {
            JsonNode d = json(redis.get(keys.device(id)));
            if (d.isMissingNode()) {
                continue;
            }
            devices.add(new TenantStatus.DeviceStatus(id, text(d, "deviceName"), text(d, "phoneNumber"),
                    text(d, "status"), text(d, "endpointId"), d.path("reconnectAttempts").asInt(0)));
        }
        return new TenantStatus(tenantId, text(config, "primaryEndpointId"),
                config.hasNonNull("failoverEnabled") ? config.get("failoverEnabled").asBoolean() : null, interval,
                endpoints, devices);
    }

    private static TenantStatus.Health health(JsonNode h, Integer intervalSeconds, Instant now) {
        if (h.isMissingNode()) {
            return null;
        }
        String checkedAt = text(h, "checkedAt");
        Long age = null;
        if (checkedAt != null) {
            try {
                age = Math.max(0, Duration.between(Instant.parse(checkedAt), now).toSeconds());
            } catch (DateTimeParseException ignored) {
                // shown without an age
            }
        }
        boolean stale = age != null && intervalSeconds != null && age > 3L * intervalSeconds;
        return new TenantStatus.Health(text(h, "state"), h.hasNonNull("latencyMs") ? h.get("latencyMs").asLong() : null,
                text(h, "lastError"), checkedAt, age, stale);
    }

    private static JsonNode json(String value) {
        if (value == null) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
