package com.booqing.whatsapp.reliability.outbound;

/**
 * The size of the outbound fault tests: small by default (the default build must stay fast), the figures
 * with {@code -Preliability}, which sets these system properties (see the module README).
 */
final class Scale {
    private Scale() {
    }

    /** How long the primary refuses connections (issue: 60 s). */
    static int outageSeconds() {
        return integer("reliability.outbound.outageSeconds", 6);
    }

    /** Sends per second during the outage test (issue: 100). */
    static int sendsPerSecond() {
        return integer("reliability.outbound.sendsPerSecond", 40);
    }

    /** Commands per tenant in the ambiguous-timeout test (10 % of them hit). */
    static int ambiguousCommands() {
        return integer("reliability.outbound.ambiguousCommands", 300);
    }

    /** Rounds of (normal phase, noisy phase) in the noisy-neighbour test. */
    static int neighbourRounds() {
        return integer("reliability.outbound.neighbourRounds", 3);
    }

    /** Seconds of each phase of the noisy-neighbour test. */
    static int neighbourPhaseSeconds() {
        return integer("reliability.outbound.neighbourPhaseSeconds", 3);
    }

    /** How many times the sender is killed in the crash test (issue: 5; each costs the 45 s session timeout). */
    static int crashKills() {
        return integer("reliability.outbound.crashKills", 1);
    }

    static int integer(String property, int fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 1) {
                throw new IllegalArgumentException(property + " must be >= 1, got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be a whole number, got '" + value + "'", e);
        }
    }
}
