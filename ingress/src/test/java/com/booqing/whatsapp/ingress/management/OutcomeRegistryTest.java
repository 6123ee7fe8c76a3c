package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutcomeRegistryTest {
    final OutcomeRegistry registry = new OutcomeRegistry();

    static CommandOutcome outcome(String id) {
        return new CommandOutcome(id, "t", CommandOutcome.Status.REJECTED, 409, "conflict", "no", null, null, null,
                Instant.EPOCH);
    }

    @Test
    void anOutcomeThatArrivesBeforeTheWaitIsStillReceived() throws Exception {
        try (CommandOutcomes.Pending pending = registry.expect("cmd_1")) {
            registry.complete(outcome("cmd_1"));

            assertThat(pending.await(Duration.ZERO)).get().extracting(CommandOutcome::code).isEqualTo("conflict");
        }
    }

    @Test
    void waitingEndsEmptyAfterTheTimeoutAndClosingForgetsTheRequest() throws Exception {
        CommandOutcomes.Pending pending = registry.expect("cmd_2");

        assertThat(pending.await(Duration.ofMillis(20))).isEmpty();
        pending.close();
        registry.complete(outcome("cmd_2"));
        assertThat(registry.waiting()).isZero();
    }

    @Test
    void outcomesNobodyWaitsForAreDropped() {
        registry.complete(outcome("cmd_3"));

        assertThat(registry.waiting()).isZero();
    }

    @Test
    void refusesToWaitTwiceForOneCommand() {
        registry.expect("cmd_4");

        assertThatThrownBy(() -> registry.expect("cmd_4")).isInstanceOf(IllegalStateException.class);
    }
}
