package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the processor's answers to management commands arrive. A caller registers interest in a command id
 * <em>before</em> publishing the command, so an answer that comes back quickly is not missed.
 */
public interface CommandOutcomes extends AutoCloseable {

    /** Registers interest in one command's outcome; close the returned handle when done waiting. */
    Pending expect(String commandId);

    /** False until outcomes published from now on are certain to be seen. */
    boolean isReady();

    default void start() {
    }

    @Override
    default void close() {
    }

    interface Pending extends AutoCloseable {
        /** The outcome, or empty when none arrived within the timeout. */
        Optional<CommandOutcome> await(Duration timeout) throws InterruptedException;

        @Override
        void close();
    }
}
