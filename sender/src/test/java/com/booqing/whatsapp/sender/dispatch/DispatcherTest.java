package com.booqing.whatsapp.sender.dispatch;

import com.booqing.whatsapp.sender.delivery.Cancellation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
        dispatcher = new Dispatcher(workers, capacity, Dispatcher.Work.blocking(work));
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

    @Test
    void aJobEndsWhenItsWorkCompletesAndMeanwhileItsWorkerServesOtherRecipients() throws Exception {
        Map<String, CompletableFuture<Void>> acks = new ConcurrentHashMap<>();
        dispatcher = new Dispatcher(1, 100, job -> {
            done.add(name(job));
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.put(name(job), ack);
            return ack;
        });

        dispatcher.offer(job(p0, 0, "a:+1", "ep_a"));
        dispatcher.offer(job(p0, 1, "a:+1", "ep_a"));
        dispatcher.offer(job(p0, 2, "a:+2", "ep_a"));

        // One worker, yet a:+2 runs while a:+1#0 waits for its acknowledgement; a:+1#1 waits behind a:+1#0.
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("a:+2#2"));
        assertThat(done).containsExactly("a:+1#0", "a:+2#2");
        assertThat(dispatcher.pending()).isEqualTo(3);
        assertThat(dispatcher.awaitIdle(job -> job.partition() == p0, Duration.ofMillis(100))).isFalse();

        acks.get("a:+1#0").complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("a:+1#1"));
        acks.get("a:+1#1").complete(null);
        acks.get("a:+2#2").completeExceptionally(new IllegalStateException("not acknowledged"));
        assertThat(dispatcher.awaitIdle(job -> true, Duration.ofSeconds(5))).isTrue();
        assertThat(dispatcher.pending()).isZero();
    }

    @Test
    void cancellingEndsAJobThatWaitsWithoutAThread() throws Exception {
        dispatcher = new Dispatcher(1, 100, job -> {
            CompletableFuture<Void> waiting = new CompletableFuture<>();
            job.cancellation().whenCancelled(() -> waiting.complete(null));
            return waiting;
        });
        dispatcher.offer(job(p0, 0, "a:+1", "ep_a"));
        dispatcher.offer(job(p0, 1, "a:+1", "ep_a"));
        assertThat(dispatcher.awaitIdle(job -> true, Duration.ofMillis(100))).isFalse();

        dispatcher.cancel(job -> job.partition() == p0);

        assertThat(dispatcher.awaitIdle(job -> true, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void offeringABacklogTakesOtherLanesPastAFullOneAndNoKeyOvertakesItself() throws Exception {
        dispatcher(1, 2);
        hold("a:+1#0");
        List<Job> backlog = new ArrayList<>(List.of(
                job(p0, 0, "a:+1", "ep_a"),
                job(p0, 1, "a:+2", "ep_a"),
                job(p0, 2, "a:+3", "ep_a"),     // ep_a is full now
                job(p0, 3, "b:+1", "ep_b"),
                job(p0, 4, "a:+3", "ep_b"),     // names ep_b, but its key waits behind offset 2
                job(p0, 5, "b:+2", "ep_b")));

        dispatcher.offerInOrder(backlog);

        assertThat(backlog).extracting(Job::offset).containsExactly(2L, 4L);
        await().atMost(Duration.ofSeconds(5)).until(() -> done.containsAll(List.of("b:+1#3", "b:+2#5")));
    }

    @Test
    void aLaneRunsAtMostItsWorkersAtOnceAndTheRestInTurn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        dispatcher = new Dispatcher(2, 100, Dispatcher.Work.blocking(job -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.add(name(job));
        }));
        for (int i = 0; i < 5; i++) {
            dispatcher.offer(job(p0, i, "a:+" + i, "ep_a"));
        }
        dispatcher.offer(job(p1, 0, "b:+1", "ep_b"));

        // ep_b has slots of its own although ep_a's are taken
        await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 3);
        Thread.sleep(100);
        assertThat(running).hasValue(3);
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 6);
        assertThat(most).hasValue(3);
    }

    @Test
    void aBacklogWaitingForFullLanesStaysWhileAJobForANewLaneIsTaken() throws Exception {
        dispatcher(1, 1);
        hold("a:+1#0");
        assertThat(dispatcher.offer(job(p0, 0, "a:+1", "ep_a"))).isTrue();
        List<Job> backlog = new ArrayList<>(List.of(job(p0, 1, "a:+2", "ep_a"), job(p0, 2, "a:+1", "ep_a")));

        dispatcher.offerInOrder(backlog);
        assertThat(backlog).extracting(Job::offset).containsExactly(1L, 2L);

        backlog.add(job(p0, 3, "c:+1", "ep_c"));
        dispatcher.offerInOrder(backlog);
        assertThat(backlog).extracting(Job::offset).containsExactly(1L, 2L);
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("c:+1#3"));
    }
}
