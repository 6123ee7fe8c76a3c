package com.booqing.whatsapp.ingress.message;

import com.booqing.whatsapp.common.redis.RedisKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the processor's message hashes ({@code whatsapp:message:{messageId}}). */
public final class MessageReader {
    private final JedisPooled redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;

    public MessageReader(JedisPooled redis, RedisKeys keys, ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
    }

    /** The message if it exists and belongs to the tenant; another tenant's message is as absent as a missing one. */
    public Optional<MessageView> find(String tenantId, String messageId) {
        Map<String, String> h = redis.hgetAll(keys.message(messageId));
        return belongs(h, tenantId) ? Optional.of(MessageView.fromHash(h, mapper)) : Optional.empty();
    }

    /** The tenant's messages among {@code ids}, in that order, skipping those that expired or are not theirs. */
    public List<MessageView> findAll(String tenantId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Response<Map<String, String>>> replies = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                replies.add(p.hgetAll(keys.message(id)));
            }
            p.sync();
        }
        List<MessageView> out = new ArrayList<>(ids.size());
        for (Response<Map<String, String>> r : replies) {
            Map<String, String> h = r.get();
            if (belongs(h, tenantId)) {
                out.add(MessageView.fromHash(h, mapper));
            }
        }
        return out;
    }

    private static boolean belongs(Map<String, String> hash, String tenantId) {
        return hash != null && !hash.isEmpty() && tenantId.equals(hash.get("tenantId"));
    }
}
