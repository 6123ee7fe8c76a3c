package com.booqing.whatsapp.bench;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Webhook-to-Redis latency: webhooks with distinct wamids go to the pipeline ingress at a steady rate, and a
 * poller asks Redis (EXISTS, pipelined) for the message hash each one must become,
 * {@code <ns>:message:<EventIds.inboundMessageId(tenant, wamid)>}. A webhook's latency runs from the moment its
 * request was written to the poll that first saw its hash, so it includes the HTTP answer, the Kafka
 * acknowledgement, the Streams transaction commit and the projector.
 *
 * <p>The poller must not become Redis's load itself: it polls every millisecond while few webhooks are
 * pending, and spaces its polls out to at most {@link #EXISTS_PER_SECOND} lookups when a backlog builds up. Its
 * resolution is therefore about 1 ms, or about 5% of the latency once that passes ~20 ms at 1,000/s.
 */
final class RedisArrival {
    private static final long POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final int EXISTS_PER_SECOND = 20_000;

    /**
     * @param accepted webhooks answered 2xx
     * @param seen     of those, the ones whose hash appeared in Redis within the drain time
     */
    record Result(PhaseResult http, long accepted, long seen, Latencies toRedis) {
        long missing() {
            return accepted - seen;
        }
    }

    private record Pending(long sentAt, String key) {
    }

    private final ConcurrentLinkedQueue<Pending> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicLong acceptedCount = new AtomicLong();
    private final Latencies toRedis;
    private final URI redisUri;
    private final Duration drain;
    private volatile boolean sendingDone;
    private long seen; // poller thread only; read after join

    private RedisArrival(URI redisUri, Duration drain, int expected) {
        this.redisUri = redisUri;
        this.drain = drain;
        this.toRedis = new Latencies(expected, Integer.MAX_VALUE - 16);
    }

    static Result run(LoadGenerator generator, Target target, List<String> messageKeys, URI redisUri,
                      int connections, double rate, Duration window, Duration drain) {
        return new RedisArrival(redisUri, drain, messageKeys.size())
                .measure(generator, target, messageKeys, connections, rate, window);
    }

    private Result measure(LoadGenerator generator, Target target, List<String> messageKeys, int connections,
                           double rate, Duration window) {
        Thread poller = new Thread(this::poll, "redis-poller");
        poller.setDaemon(true);
        poller.start();
        PhaseResult http;
        try {
            http = generator.openLoop("webhook-to-Redis", target, connections, rate, window,
                    (slot, sentAt, status) -> {
                        if (status / 100 == 2 && slot < messageKeys.size()) {
                            acceptedCount.incrementAndGet();
                            accepted.add(new Pending(sentAt, messageKeys.get(slot)));
                        }
                    });
        } finally {
            sendingDone = true;
        }
        try {
            poller.join(drain.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            return new Result(http, acceptedCount.get(), seen, toRedis);
        }
    }

    private void poll() {
        List<Pending> pending = new ArrayList<>();
        long hardStop = Long.MAX_VALUE;
        try (Jedis jedis = new Jedis(redisUri)) {
            while (true) {
                for (Pending p; (p = accepted.poll()) != null; ) {
                    pending.add(p);
                }
                if (sendingDone) {
                    if (hardStop == Long.MAX_VALUE) {
                        hardStop = System.nanoTime() + drain.toNanos();
                    }
                    if ((pending.isEmpty() && accepted.isEmpty()) || System.nanoTime() > hardStop) {
                        return;
                    }
                }
                int checked = pending.size();
                if (!pending.isEmpty()) {
                    pending = check(jedis, pending);
                }
                LockSupport.parkNanos(Math.max(POLL_PAUSE_NANOS, checked * 1_000_000_000L / EXISTS_PER_SECOND));
            }
        } catch (RuntimeException e) {
            System.err.println("bench: the Redis poller stopped: " + e);
        }
    }

    /** @return the ones not in Redis yet */
    private List<Pending> check(Jedis jedis, List<Pending> pending) {
        List<Response<Boolean>> answers = new ArrayList<>(pending.size());
        try (Pipeline pipe = jedis.pipelined()) {
            for (Pending p : pending) {
                answers.add(pipe.exists(p.key()));
            }
            pipe.sync();
        }
        long now = System.nanoTime();
        List<Pending> still = new ArrayList<>(pending.size());
        synchronized (this) {
            for (int i = 0; i < pending.size(); i++) {
                if (Boolean.TRUE.equals(answers.get(i).get())) {
                    toRedis.record(now - pending.get(i).sentAt());
                    seen++;
                } else {
                    still.add(pending.get(i));
                }
            }
        }
        return still;
    }
}
