package com.booqing.whatsapp.ingress.conversation;

import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.http.Paging;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads conversations the processor projected into Redis: the tenant's conversation ZSET (scored by last
 * activity), each conversation's hash, and each conversation's message-id ZSET.
 */
public final class ConversationReader {
    private final JedisPooled redis;
    private final RedisKeys keys;

    public ConversationReader(JedisPooled redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public record Page<T>(List<T> items, long total) {
    }

    /** Newest activity first. Conversations whose data expired while still listed are skipped. */
    public Page<ConversationView> conversations(String tenantId, Paging paging) {
        String index = keys.tenantConversations(tenantId);
        String prefix = RedisKeys.conversationId(tenantId, "");
        long total = redis.zcard(index);
        List<String> ids = redis.zrevrange(index, paging.offset(), paging.last());
        List<Response<Map<String, String>>> replies = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String conversationId : ids) {
                // The id is tenantId:phone; an id of another tenant in this set would be a projector bug.
                if (conversationId.startsWith(prefix)) {
                    replies.add(p.hgetAll(keys.conversation(tenantId, conversationId.substring(prefix.length()))));
                }
            }
            p.sync();
        }
        List<ConversationView> out = new ArrayList<>(replies.size());
        for (Response<Map<String, String>> r : replies) {
            Map<String, String> h = r.get();
            if (h != null && !h.isEmpty() && tenantId.equals(h.get("tenantId"))) {
                out.add(ConversationView.fromHash(h));
            }
        }
        return new Page<>(out, total);
    }

    /** Message ids of one conversation, newest first, with the total count. */
    public Page<String> messageIds(String tenantId, String phone, Paging paging) {
        String index = keys.messages(RedisKeys.conversationId(tenantId, phone));
        Response<Long> total;
        Response<List<String>> ids;
        try (AbstractPipeline p = redis.pipelined()) {
            total = p.zcard(index);
            ids = p.zrevrange(index, paging.offset(), paging.last());
            p.sync();
        }
        return new Page<>(ids.get(), total.get());
    }
}
