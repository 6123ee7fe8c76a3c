package com.booqing.whatsapp.simulator;

import java.time.Duration;

/**
 * Tunables of the simulator. Everything binds to 127.0.0.1; that is not configurable.
 *
 * @param webhookTimeout        how long one webhook POST may take
 * @param webhookMaxAttempts    attempts per webhook, first try included (Meta retries too; we stay bounded)
 * @param webhookInitialBackoff wait before the first retry; doubles per retry
 * @param webhookMaxBackoff     upper bound of the wait between retries
 * @param receiptStep           wait before each of the sent, delivered and read receipts after a send
 * @param requestLogCapacity    requests kept per endpoint; the oldest are dropped first
 * @param pairing               how fast WAHA sessions and Evolution instances move through QR pairing
 */
public record SimulatorConfig(Duration webhookTimeout, int webhookMaxAttempts, Duration webhookInitialBackoff,
                              Duration webhookMaxBackoff, Duration receiptStep, int requestLogCapacity,
                              PairingTimings pairing) {

    public static final String HOST = "127.0.0.1";

    public SimulatorConfig {
        requirePositive("webhookTimeout", webhookTimeout);
        requirePositive("webhookInitialBackoff", webhookInitialBackoff);
        requirePositive("webhookMaxBackoff", webhookMaxBackoff);
        if (receiptStep == null || receiptStep.isNegative()) {
            throw new IllegalArgumentException("receiptStep must be >= 0");
        }
        if (webhookMaxAttempts < 1 || webhookMaxAttempts > 20) {
            throw new IllegalArgumentException("webhookMaxAttempts must be 1..20, got " + webhookMaxAttempts);
        }
        if (requestLogCapacity < 1) {
            throw new IllegalArgumentException("requestLogCapacity must be >= 1, got " + requestLogCapacity);
        }
        pairing = pairing == null ? PairingTimings.defaults() : pairing;
    }

    public SimulatorConfig(Duration webhookTimeout, int webhookMaxAttempts, Duration webhookInitialBackoff,
                           Duration webhookMaxBackoff, Duration receiptStep, int requestLogCapacity) {
        this(webhookTimeout, webhookMaxAttempts, webhookInitialBackoff, webhookMaxBackoff, receiptStep,
                requestLogCapacity, PairingTimings.defaults());
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig(Duration.ofSeconds(5), 5, Duration.ofMillis(200), Duration.ofSeconds(2),
                Duration.ofMillis(20), 10_000);
    }

    public SimulatorConfig withWebhookRetries(int maxAttempts, Duration initialBackoff) {
        return new SimulatorConfig(webhookTimeout, maxAttempts, initialBackoff, webhookMaxBackoff, receiptStep,
                requestLogCapacity, pairing);
    }

    public SimulatorConfig withReceiptStep(Duration step) {
        return new SimulatorConfig(webhookTimeout, webhookMaxAttempts, webhookInitialBackoff, webhookMaxBackoff, step,
                requestLogCapacity, pairing);
    }

    public SimulatorConfig withRequestLogCapacity(int capacity) {
        return new SimulatorConfig(webhookTimeout, webhookMaxAttempts, webhookInitialBackoff, webhookMaxBackoff,
                receiptStep, capacity, pairing);
    }

    public SimulatorConfig withPairing(PairingTimings timings) {
        return new SimulatorConfig(webhookTimeout, webhookMaxAttempts, webhookInitialBackoff, webhookMaxBackoff,
                receiptStep, requestLogCapacity, timings);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
    }
}
