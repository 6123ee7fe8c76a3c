package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Every management write: a {@link ManagementCommand} on the management-commands topic (key: tenant id), published
 * with the broker's acknowledgement before anything is answered, then a bounded wait for the processor's
 * {@link CommandOutcome}. An applied outcome is then followed by a bounded wait until Redis shows the change, so
 * that a client that writes and then reads sees what it wrote.
 */
public final class ManagementCommands {
    private static final Logger log = LoggerFactory.getLogger(ManagementCommands.class);
    private static final long POLL_MILLIS = 20;

    private final AckedPublisher publisher;
    private final Topics topics;
    private final CommandOutcomes outcomes;
    private final NewIds ids;
    private final Clock clock;
    private final Duration commandWait;
    private final Duration projectionWait;
    private final Counter pending;
    private final Counter lagging;

    public ManagementCommands(AckedPublisher publisher, Topics topics, CommandOutcomes outcomes, NewIds ids,
                              Clock clock, ManagementConfig config, MeterRegistry metrics) {
        this.publisher = publisher;
        this.topics = topics;
        this.outcomes = outcomes;
        this.ids = ids;
        this.clock = clock;
        this.commandWait = config.commandWait();
        this.projectionWait = config.projectionWait();
        this.pending = Counter.builder("whatsapp.ingress.management.pending")
                .description("management writes answered 202 because no outcome came in time").register(metrics);
        this.lagging = Counter.builder("whatsapp.ingress.management.projection.lagging")
                .description("applied writes answered before Redis showed them").register(metrics);
    }

    /** What became of a command. */
    public sealed interface Result {
        String commandId();
    }

    public record Applied(CommandOutcome outcome) implements Result {
        @Override
        public String commandId() {
            return outcome.commandId();
        }
    }

    public record Rejected(CommandOutcome outcome) implements Result {
        @Override
        public String commandId() {
            return outcome.commandId();
        }
    }

    /** No outcome within the wait: the command is on Kafka and will be applied or rejected later. */
    public record Pending(String commandId) implements Result {
    }

    /**
     * Publishes the command and waits for its outcome.
     *
     * @throws com.booqing.whatsapp.ingress.http.UnavailableException when Kafka did not acknowledge (503)
     */
    public Result submit(String tenantId, ManagementCommand.Action action) {
        String commandId = ids.commandId();
        ManagementCommand command = new ManagementCommand(commandId, tenantId, clock.instant(), action);
        try (CommandOutcomes.Pending waiting = outcomes.expect(commandId)) {
            publisher.publish(topics.managementCommands(),
                    new ProducerRecord<>(topics.managementCommands().name(), tenantId, command));
            Optional<CommandOutcome> outcome = waiting.await(commandWait);
            if (outcome.isEmpty()) {
                pending.increment();
                log.info("no outcome for {} command {} of tenant {} within {} ms; answering 202",
                        action.getClass().getSimpleName(), commandId, tenantId, commandWait.toMillis());
                return new Pending(commandId);
            }
            CommandOutcome o = outcome.get();
            return o.status() == CommandOutcome.Status.APPLIED ? new Applied(o) : new Rejected(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Pending(commandId);
        }
    }

    /**
     * Waits until {@code reflected} holds (the projection shows the applied change), at most the projection wait.
     * Answering anyway after that is right (the change is applied); a read right after may then lag.
     */
    public boolean awaitProjection(BooleanSupplier reflected) {
        if (poll(reflected, projectionWait)) {
            return true;
        }
        lagging.increment();
        log.warn("the projection did not show an applied change within {} ms", projectionWait.toMillis());
        return false;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Polls a condition until it holds or the time is up (wall time, whatever the injected clock says). */
    public static boolean poll(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
