package com.booqing.whatsapp.simulator.webhook;

import java.util.concurrent.CompletableFuture;

/**
 * A webhook in flight.
 *
 * @param firstAttempt completes with the first attempt's outcome
 * @param outcome      completes with the last attempt's outcome, after any retries
 */
public record Delivery(CompletableFuture<AttemptResult> firstAttempt, CompletableFuture<AttemptResult> outcome) {
}
