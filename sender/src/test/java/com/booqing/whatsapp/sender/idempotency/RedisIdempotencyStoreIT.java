package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@KafkaAndRedis
class RedisIdempotencyStoreIT {
    private static final Instant LEASE = Instant.parse("2030-01-01T00:00:00Z");

    private Infra infra;
    private RedisKeys keys;
    private RedisIdempotencyStore store;

    @BeforeEach
    void setUp(Infra infra) {
        this.infra = infra;
        this.keys = infra.newRedisKeys();
        this.store = new RedisIdempotencyStore(infra.redis(), keys);
    }

    @AfterEach
    void cleanUp() {
        infra.deleteKeys(keys);
    }

    private static SendResult sent(String messageId) {
        return new SendResult(messageId, "acme", "k", "+31612345678", SendResult.Outcome.SENT, "ep_a",
                ProviderType.CLOUD_API, "wamid.1", null, null, 1, Instant.parse("2025-06-01T12:00:00Z"));
    }

    @Test
    void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<IdempotencyStore.Claim>> claims = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Callable<IdempotencyStore.Claim> claim = () -> {
                go.await();
                return store.claim("acme", "booking-1", "hash-a", LEASE);
            };
            claims.add(pool.submit(claim));
        }
        go.countDown();
        List<IdempotencyStore.Claim> outcomes = new ArrayList<>();
        for (Future<IdempotencyStore.Claim> f : claims) {
            outcomes.add(f.get(10, TimeUnit.SECONDS));
        }
        pool.shutdownNow();

        assertThat(outcomes).filteredOn(c -> c instanceof IdempotencyStore.Claimed).hasSize(1);
        assertThat(outcomes).filteredOn(c -> c instanceof IdempotencyStore.InFlight).hasSize(callers - 1);
    }

    @Test
    void completedClaimIsReturnedToLaterCallersAndOutlivesThemForSevenDays() {
        String token = ((IdempotencyStore.Claimed) store.claim("acme", "booking-2", "hash-a", LEASE)).token();

        assertThat(store.complete("acme", "booking-2", token, sent("msg_1"))).isTrue();

        IdempotencyStore.Claim again = store.claim("acme", "booking-2", "hash-a", LEASE);
        assertThat(again).isEqualTo(new IdempotencyStore.Completed("hash-a", sent("msg_1")));
        String key = RedisIdempotencyStore.key(keys, "acme", "booking-2");
        assertThat(key).isEqualTo(keys.namespace() + ":idem:acme:booking-2");
        assertThat(Duration.ofSeconds(infra.redis().ttl(key))).isBetween(Duration.ofDays(7).minusMinutes(1),
                Duration.ofDays(7));
    }

    @Test
    void differentBodyUnderTheSameKeyIsAConflict() {
        store.claim("acme", "booking-3", "hash-a", LEASE);

        assertThat(store.claim("acme", "booking-3", "hash-b", LEASE)).isInstanceOf(IdempotencyStore.Conflict.class);
        assertThat(store.claim("other", "booking-3", "hash-b", LEASE)).isInstanceOf(IdempotencyStore.Claimed.class);
    }

    @Test
    void releasedClaimCanBeTakenAgain() {
        String token = ((IdempotencyStore.Claimed) store.claim("acme", "booking-4", "hash-a", LEASE)).token();

        store.release("acme", "booking-4", token);

        assertThat(store.claim("acme", "booking-4", "hash-a", LEASE)).isInstanceOf(IdempotencyStore.Claimed.class);
    }

    @Test
    void abandonedClaimIsResolvedOnceAndTheLateOwnerCannotOverwriteIt() {
        String token = ((IdempotencyStore.Claimed) store.claim("acme", "booking-5", "hash-a", LEASE)).token();
        IdempotencyStore.InFlight seen = (IdempotencyStore.InFlight) store.claim("acme", "booking-5", "hash-a", LEASE);
        assertThat(seen.leaseUntil()).isEqualTo(LEASE);

        assertThat(store.resolve("acme", "booking-5", seen.observed(), sent("msg_unknown"))).isTrue();
        assertThat(store.resolve("acme", "booking-5", seen.observed(), sent("msg_again"))).isFalse();
        assertThat(store.complete("acme", "booking-5", token, sent("msg_late"))).isFalse();
        assertThat(store.claim("acme", "booking-5", "hash-a", LEASE))
                .isEqualTo(new IdempotencyStore.Completed("hash-a", sent("msg_unknown")));
    }
}
