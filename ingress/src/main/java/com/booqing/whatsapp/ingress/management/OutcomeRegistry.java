package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The waiting requests of one ingress instance, by command id. Outcomes nobody waits for (other instances'
 * commands, or ones whose request already answered 202) are dropped: they are in Redis for the command route.
 */
public class OutcomeRegistry implements CommandOutcomes {
    private final Map<String, CompletableFuture<CommandOutcome>> waiting = new ConcurrentHashMap<>();

    @Override
    public Pending expect(String commandId) {
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        if (waiting.putIfAbsent(commandId, future) != null) {
            throw new IllegalStateException("already waiting for command " + commandId);
        }
        return new Pending() {
            @Override
            public Optional<CommandOutcome> await(Duration timeout) throws InterruptedException {
                try {
                    return Optional.of(future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    return Optional.empty();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("outcome futures are only ever completed normally", e);
                }
            }

            @Override
            public void close() {
                waiting.remove(commandId, future);
            }
        };
    }

    /** Hands an outcome to the request waiting for it, if any. */
    public void complete(CommandOutcome outcome) {
        CompletableFuture<CommandOutcome> future = waiting.get(outcome.commandId());
        if (future != null) {
            future.complete(outcome);
        }
    }

    /** Requests currently waiting. */
    public int waiting() {
        return waiting.size();
    }

    @Override
    public boolean isReady() {
        return true;
    }
}
