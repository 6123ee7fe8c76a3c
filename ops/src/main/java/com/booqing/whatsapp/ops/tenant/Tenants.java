package com.booqing.whatsapp.ops.tenant;

import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.OperationFailedException;
import com.booqing.whatsapp.ops.OpsSettings;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Which tenants exist. A tenant exists once it is initialised: its configuration is on the compacted configuration
 * topic (the source of truth) and the projector mirrors it to {@code <ns>:config:{tenantId}}. Redis answers first;
 * only tenants Redis does not know are looked up on the topic, so a Redis that is behind does not make a tenant
 * "unknown".
 */
public final class Tenants {
    private final OpsSettings settings;
    private final JedisPooled redis;

    public Tenants(OpsSettings settings, JedisPooled redis) {
        this.settings = settings;
        this.redis = redis;
    }

    /** Refuses ids that are not tenant ids, and tenants that do not exist, naming all of them. */
    public void requireExisting(Collection<String> tenantIds) {
        for (String t : tenantIds) {
            if (!Ids.isValidTenantId(t)) {
                throw new BadArgumentsException("'" + t + "' is not a tenant id (1-63 letters, digits, '_' or '-', "
                        + "starting with a letter or digit)");
            }
        }
        List<String> missing = new ArrayList<>();
        RedisKeys keys = settings.keys();
        for (String t : tenantIds) {
            if (!redis.exists(keys.config(t))) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> unknown = onTheTopic(missing);
        if (!unknown.isEmpty()) {
            throw new BadArgumentsException((unknown.size() == 1 ? "tenant " : "tenants ") + String.join(", ", unknown)
                    + (unknown.size() == 1 ? " does" : " do") + " not exist (no configuration in Redis under "
                    + keys.config("<tenant>") + " nor on " + settings.topics().tenantConfig().name()
                    + "); initialise with 'whatsapp-ops init'");
        }
    }

    /** Every tenant with a configuration in Redis, sorted. */
    public List<String> all() {
        String prefix = settings.keys().config("");
        TreeSet<String> found = new TreeSet<>();
        ScanParams match = new ScanParams().match(prefix + "*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            for (String key : page.getResult()) {
                found.add(key.substring(prefix.length()));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return List.copyOf(found);
    }

    private List<String> onTheTopic(List<String> tenants) {
        try (CompactedTopicView<TenantConfiguration> view = new CompactedTopicView<>(settings.bootstrapServers(),
                settings.topics().tenantConfig(), "whatsapp-ops-tenants", (k, v) -> { }).start()) {
            if (!view.awaitCaughtUp(Duration.ofSeconds(20))) {
                throw new OperationFailedException("could not read "
                        + settings.topics().tenantConfig().name() + " within 20 s to check the tenants");
            }
            return tenants.stream().filter(t -> view.get(t).isEmpty()).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }
}
