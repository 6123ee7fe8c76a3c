package com.booqing.whatsapp.sender.dispatch;

import com.booqing.whatsapp.sender.delivery.Cancellation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DispatcherTest {
    private final PartitionState p0 = new PartitionState(new TopicPartition("t", 0));
    private final PartitionState p1 = new PartitionState(new TopicPartition("t", 1));
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private Dispatcher dispatcher;

    private Dispatcher dispatcher(int workers, int capacity) {
        Consumer<Job> work = job -> {
            CountDownLatch gate = gates.get(name(job));
            if (gate != null) {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.add(name(job));
        };
        dispatcher = new Dispatcher(workers, capacity, work);
        return dispatcher;
    }

    @AfterEach
    void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private static String name(Job job) {
        return job.key() + "#" + job.offset();
    }

    private static Job job(PartitionState p, long offset, String key, String lane) {
        return new Job(new ConsumerRecord<>("t", p.partition().partition(), offset, null, null), p, key, lane, null,
                null, new Cancellation());
    }

    private CountDownLatch hold(String jobName) {
        CountDownLatch gate = new CountDownLatch(1);
        gates.put(jobName, gate);
        return gate;
    }

    @Test
    void aHeldBackMessageHoldsBackTheNextToTheSameRecipientOnly() throws Exception {
        dispatcher(4, 100);
        CountDownLatch first = hold("acme:+31600000001#0");

        dispatcher.offer(job(p0, 0, "acme:+31600000001", "ep_a"));
        dispatcher.offer(job(p0, 1, "acme:+31600000001", "ep_a"));
        dispatcher.offer(job(p0, 2, "acme:+31600000002", "ep_a"));

        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("acme:+31600000002#2"));
        assertThat(done).doesNotContain("acme:+31600000001#1");
        first.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 3);
        assertThat(done.indexOf("acme:+31600000001#0")).isLessThan(done.indexOf("acme:+31600000001#1"));
    }

    @Test
    void aHungLaneDoesNotStopOtherLanes() throws Exception {
        dispatcher(1, 100);
        hold("hung:+1#0");

        dispatcher.offer(job(p0, 0, "hung:+1", "ep_hung"));
        dispatcher.offer(job(p0, 1, "hung:+2", "ep_hung"));
        dispatcher.offer(job(p1, 0, "other:+1", "ep_other"));

        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("other:+1#0"));
        assertThat(done).containsExactly("other:+1#0");
    }

    @Test
    void aFullLaneRefusesMoreWorkAndTheKeyFollowsItsChain() throws Exception {
        dispatcher(1, 2);
        hold("a:+1#0");

        assertThat(dispatcher.offer(job(p0, 0, "a:+1", "ep_a"))).isTrue();
        assertThat(dispatcher.offer(job(p0, 1, "a:+2", "ep_a"))).isTrue();
        assertThat(dispatcher.offer(job(p0, 2, "a:+3", "ep_a"))).isFalse();
        // A later message to a recipient with work queued in ep_a joins that chain even if it names another lane.
        assertThat(dispatcher.offer(job(p0, 3, "a:+1", "ep_b"))).isFalse();
        assertThat(dispatcher.offer(job(p0, 4, "b:+1", "ep_b"))).isTrue();
    }

    @Test
    void cancellingAPartitionDropsItsQueuedWorkAndWaitsForTheRunningJob() throws Exception {
        dispatcher(1, 100);
        CountDownLatch running = hold("a:+1#0");
        dispatcher.offer(job(p0, 0, "a:+1", "ep_a"));
        dispatcher.offer(job(p0, 1, "a:+1", "ep_a"));
        dispatcher.offer(job(p1, 0, "b:+1", "ep_b"));
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("b:+1#0"));

        dispatcher.cancel(job -> job.partition() == p0);
        assertThat(dispatcher.awaitIdle(job -> job.partition() == p0, Duration.ofMillis(200))).isFalse();
        running.countDown();

        assertThat(dispatcher.awaitIdle(job -> job.partition() == p0, Duration.ofSeconds(5))).isTrue();
        assertThat(done).containsExactly("b:+1#0", "a:+1#0");
        assertThat(dispatcher.pending()).isZero();
    }
}
