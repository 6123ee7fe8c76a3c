package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The management store in Redis, laid out as the processor projects it (helper-preamble.md, "Redis data layout"):
 * {@code config:{t}}, {@code endpoint:{id}} and {@code tenant:{t}:endpoints}, {@code device:{id}} and
 * {@code tenant:{t}:devices}, {@code health:{id}}, and {@code command:{commandId}} (the outcome JSON, kept a day).
 * Values are read leniently: a field the processor adds later must not break reads.
 */
public final class RedisManagementStore implements ManagementStore {
    private static final Logger log = LoggerFactory.getLogger(RedisManagementStore.class);

    private final JedisPooled redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    public RedisManagementStore(JedisPooled redis, RedisKeys keys, ObjectMapper lenientJson) {
        this.redis = redis;
        this.keys = keys;
        this.json = lenientJson;
    }

    @Override
    public Optional<JsonNode> config(String tenantId) {
        return parse(redis.get(keys.config(tenantId)), "config").filter(n -> Stored.belongsTo(n, tenantId));
    }

    @Override
    public Optional<JsonNode> endpoint(String tenantId, String endpointId) {
        return parse(redis.get(keys.endpoint(endpointId)), "endpoint").filter(n -> Stored.belongsTo(n, tenantId));
    }

    @Override
    public List<JsonNode> endpoints(String tenantId) {
        return members(keys.tenantEndpoints(tenantId), keys::endpoint, tenantId, "endpoint");
    }

    @Override
    public Optional<JsonNode> device(String deviceId) {
        return parse(redis.get(keys.device(deviceId)), "device").filter(JsonNode::isObject);
    }

    @Override
    public List<JsonNode> devices(String tenantId) {
        return members(keys.tenantDevices(tenantId), keys::device, tenantId, "device");
    }

    @Override
    public Map<String, EndpointHealth> health(Collection<String> endpointIds) {
        Map<String, Response<String>> replies = new LinkedHashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : endpointIds) {
                replies.put(id, p.get(keys.health(id)));
            }
            p.sync();
        }
        Map<String, EndpointHealth> out = new LinkedHashMap<>();
        replies.forEach((id, reply) -> decode(reply.get(), EndpointHealth.class, "health")
                .filter(h -> h.endpointId().equals(id))
                .ifPresent(h -> out.put(id, h)));
        return out;
    }

    @Override
    public Optional<CommandOutcome> command(String tenantId, String commandId) {
        return decode(redis.get(keys.command(commandId)), CommandOutcome.class, "command outcome")
                .filter(o -> tenantId.equals(o.tenantId()) && commandId.equals(o.commandId()));
    }

    private List<JsonNode> members(String setKey, Function<String, String> keyOf, String tenantId,
                                   String what) {
        Set<String> ids = redis.smembers(setKey);
        List<Response<String>> replies = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                replies.add(p.get(keyOf.apply(id)));
            }
            p.sync();
        }
        List<JsonNode> out = new ArrayList<>(replies.size());
        for (Response<String> r : replies) {
            parse(r.get(), what).filter(n -> Stored.belongsTo(n, tenantId)).ifPresent(out::add);
        }
        out.sort(Stored.OLDEST_FIRST);
        return out;
    }

    private Optional<JsonNode> parse(String raw, String what) {
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readTree(raw));
        } catch (Exception e) {
            log.warn("unreadable {} in Redis: {}", what, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private <T> Optional<T> decode(String raw, Class<T> type, String what) {
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readValue(raw, type));
        } catch (Exception e) {
            log.warn("unreadable {} in Redis: {}", what, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
