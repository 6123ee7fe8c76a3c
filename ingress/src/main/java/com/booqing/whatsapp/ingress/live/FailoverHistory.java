package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.redis.RedisKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Recent failovers for a stream's first state, from the tenant's latest events as the processor's projector keeps
 * them in Redis ({@code whatsapp:events:{tenantId}}, newest first, 1,000 at most): failovers from before this
 * instance started, which its feed never saw. Without Redis the stream starts without them.
 */
public final class FailoverHistory {
    private static final Logger log = LoggerFactory.getLogger(FailoverHistory.class);
    static final int SCANNED = 1_000;

    private final JedisPooled redis;
    private final RedisKeys keys;
    private final JsonSerde<Envelope> serde = JsonSerde.of(Envelope.class);

    public FailoverHistory(JedisPooled redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The tenant's latest failovers, oldest first, at most {@link StreamHub#RECENT_FAILOVERS}. */
    List<Failover> recent(String tenantId) {
        List<String> latest;
        try {
            latest = redis.lrange(keys.events(tenantId), 0, SCANNED - 1);
        } catch (RuntimeException e) {
            log.warn("recent failovers unavailable: {}", e.getClass().getSimpleName());
            return List.of();
        }
        List<Failover> out = new ArrayList<>();
        for (String raw : latest) {
            if (out.size() == StreamHub.RECENT_FAILOVERS) {
                break;
            }
            if (!raw.contains(Failover.SUBJECT)) {
                continue; // most events are messages: not worth decoding
            }
            if (serde.decode(raw.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Envelope> ok
                    && tenantId.equals(ok.value().tenantId())) {
                Failover.of(ok.value()).ifPresent(out::add);
            }
        }
        Collections.reverse(out);
        return out;
    }
}
