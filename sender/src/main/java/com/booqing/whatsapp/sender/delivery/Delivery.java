package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.sender.SenderMetrics;
import com.booqing.whatsapp.sender.endpoint.EndpointGuards;
import com.booqing.whatsapp.sender.endpoint.Selection;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.provider.ProviderCodes;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gets one command to a provider: failover, retries, circuit breakers and rate limits. The rules:
 * <ul>
 *   <li>A round walks the candidates (the chosen endpoint, then its fallbacks). The next candidate is tried at once
 *       only when the message certainly did not leave (connection refused, DNS, open circuit, 429, 503, session
 *       not working, bad credentials) and it was not the message's own fault.</li>
 *   <li>Once an attempt may have reached an endpoint (5xx other than 503), every later attempt goes to that
 *       endpoint only: the message never gets a second chance elsewhere. An ambiguous attempt (timeout or reset
 *       after the request left) ends delivery: it is never repeated anywhere.</li>
 *   <li>A failure that is the message's (invalid parameter, recipient not on WhatsApp) ends delivery at once, with
 *       the provider's code. So does a round in which nothing is worth retrying.</li>
 *   <li>Otherwise the round is retried after {@link Backoff#delay} (at least the provider's Retry-After, and at
 *       least until an open circuit allows a trial call), up to {@code retries} times, and never past the
 *       deadline; then delivery gives up (dead letter).</li>
 *   <li>Every call first takes the endpoint's circuit-breaker permission and a rate-limit token (waiting for it).
 *       Endpoint failures and ambiguous calls count against the breaker; rate limits do not, and the message's
 *       own failures count as the endpoint working.</li>
 * </ul>
 */
public final class Delivery {
    public static final String CIRCUIT_OPEN = "circuit_open";
    private static final Exception ENDPOINT_FAILURE = new EndpointFailure();

    private final ProviderAdapters adapters;
    private final EndpointGuards guards;
    private final OpenedSecrets secrets;
    private final Backoff backoff;
    private final int retries;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SenderMetrics metrics;

    public Delivery(ProviderAdapters adapters, EndpointGuards guards, SecretBox secrets, Backoff backoff, int retries,
                    Clock clock, Sleeper sleeper, SenderMetrics metrics) {
        this.adapters = adapters;
        this.guards = guards;
        this.secrets = new OpenedSecrets(secrets);
        this.backoff = backoff;
        this.retries = retries;
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    /**
     * @param command  with {@code to} in E.164
     * @param deadline no attempt starts after it (null = none)
     */
    public DeliveryResult deliver(SendCommand command, Selection.Chosen chosen, Duration timeout, Instant deadline,
                                  Cancellation cancel) {
        List<Endpoint> candidates = new ArrayList<>();
        candidates.add(chosen.endpoint());
        candidates.addAll(chosen.fallbacks());
        Endpoint pinned = null;
        boolean mayHaveSent = false;
        Endpoint lastEndpoint = chosen.endpoint();
        SendOutcome.Failed last = null;
        Duration retryAfter = null;
        int attempts = 0;
        for (int round = 0; ; round++) {
            if (round > 0) {
                if (round > retries) {
                    return new DeliveryResult.GaveUp(lastEndpoint, last, attempts,
                            "gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s"));
                }
                List<Endpoint> next = pinned != null ? List.of(pinned) : candidates;
                Duration delay = backoff.delay(round, later(retryAfter, untilATrialIsAllowed(next)));
                if (deadline != null && clock.instant().plus(delay).isAfter(deadline)) {
                    return new DeliveryResult.GaveUp(lastEndpoint, last, attempts,
                            "the deadline passes before the next retry");
                }
                metrics.retry();
                if (!cancel.sleep(sleeper, delay)) {
                    return new DeliveryResult.Aborted(mayHaveSent, attempts);
                }
                if (mayHaveSent) {
                    // The earlier attempt may have been accepted; this one may then be a second copy.
                    metrics.possibleDuplicate("retry_after_server_error");
                }
            }
            boolean worthRetrying = false;
            retryAfter = null;
            List<Endpoint> targets = pinned != null ? List.of(pinned) : candidates;
            for (int i = 0; i < targets.size(); i++) {
                Endpoint endpoint = targets.get(i);
                if (cancel.isCancelled()) {
                    return new DeliveryResult.Aborted(mayHaveSent, attempts);
                }
                if (deadline != null && clock.instant().isAfter(deadline)) {
                    return new DeliveryResult.GaveUp(lastEndpoint, last != null ? last
                            : SendOutcome.Failed.retryable("deadline", "the deadline passed", true, null),
                            attempts, "the deadline passed");
                }
                Attempt attempt = attempt(endpoint, command, timeout, deadline, cancel);
                if (attempt instanceof Attempt.Stop stop) {
                    return stop.result().apply(mayHaveSent, attempts, lastEndpoint, last);
                }
                Attempt.Done done = (Attempt.Done) attempt;
                if (done.called()) {
                    attempts++;
                }
                SendOutcome outcome = done.outcome();
                if (!(outcome instanceof SendOutcome.Failed f)) {
                    return new DeliveryResult.Finished(endpoint, outcome, attempts);
                }
                if (f.retryAfter() != null && (retryAfter == null || f.retryAfter().compareTo(retryAfter) > 0)) {
                    retryAfter = f.retryAfter();
                }
                if (last == null || !CIRCUIT_OPEN.equals(f.code())) {
                    // An open circuit is no news: the failure that opened it says more.
                    last = f;
                    lastEndpoint = endpoint;
                }
                if (!f.certainlyNotSent()) {
                    pinned = endpoint;
                    mayHaveSent = true;
                }
                if (f.cause() == SendOutcome.Cause.REQUEST) {
                    return new DeliveryResult.Finished(endpoint, f, attempts);
                }
                if (f.cause() == SendOutcome.Cause.RECIPIENT_RATE) {
                    // The recipient, not the endpoint, is the limit: wait on this endpoint rather than move on.
                    pinned = endpoint;
                    worthRetrying = true;
                    break;
                }
                worthRetrying |= f.retryable();
                if (pinned == null && f.allowsFailover() && i + 1 < targets.size()) {
                    metrics.failover();
                    continue;
                }
                break;
            }
            if (!worthRetrying) {
                return new DeliveryResult.Finished(lastEndpoint, last, attempts);
            }
        }
    }

    /**
     * How long until one of the endpoints will take a call: zero if any breaker is closed, else the shortest wait
     * of their open breakers. Retrying sooner would only find them open and burn the retry.
     */
    private Duration untilATrialIsAllowed(List<Endpoint> endpoints) {
        Duration shortest = null;
        for (Endpoint e : endpoints) {
            Duration left = guards.remainingOpen(e.id());
            if (left.isZero()) {
                return null;
            }
            shortest = shortest == null || left.compareTo(shortest) < 0 ? left : shortest;
        }
        return shortest;
    }

    private static Duration later(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    /** One try on one endpoint: a provider call, or a failure found before calling, or a reason to stop. */
    private Attempt attempt(Endpoint endpoint, SendCommand command, Duration timeout, Instant deadline,
                            Cancellation cancel) {
        Optional<SendOutcome.Failed> refused = adapters.refusal(endpoint, command);
        if (refused.isPresent()) {
            return new Attempt.Done(refused.get(), false);
        }
        String apiKey;
        try {
            apiKey = endpoint.apiKey() == null ? null : secrets.open(endpoint.apiKey(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "apiKey"));
        } catch (SecretBox.SealedSecretException e) {
            return new Attempt.Done(SendOutcome.Failed.endpointRejected(ProviderCodes.SECRET_UNAVAILABLE,
                    "endpoint API key cannot be opened: " + e.getMessage()), false);
        }
        EndpointGuards.Guard guard = guards.of(endpoint);
        CircuitBreaker breaker = guard.breaker();
        if (!breaker.tryAcquirePermission()) {
            // Retrying before the breaker allows a trial call would only burn a retry: wait for it. When it is
            // half-open, another message's trial call is under way; it ends within one call timeout.
            Duration untilTrial = guards.remainingOpen(endpoint.id());
            return new Attempt.Done(SendOutcome.Failed.retryable(CIRCUIT_OPEN,
                    "endpoint " + endpoint.id() + " is avoided after repeated failures", true,
                    untilTrial.isZero() ? timeout : untilTrial), false);
        }
        Duration wait = guard.bucket().reserve();
        if (!wait.isZero()) {
            if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
                guard.bucket().cancel();
                breaker.releasePermission();
                return new Attempt.Stop((mayHaveSent, attempts, lastEndpoint, last) -> new DeliveryResult.GaveUp(
                        endpoint, SendOutcome.Failed.rateLimited("rate_limited",
                        "the endpoint's rate limit would delay it past the deadline", null),
                        attempts, "the deadline passes while waiting for the endpoint's rate limit"));
            }
            if (!cancel.sleep(sleeper, wait)) {
                guard.bucket().cancel();
                breaker.releasePermission();
                return new Attempt.Stop((mayHaveSent, attempts, lastEndpoint, last) ->
                        new DeliveryResult.Aborted(mayHaveSent, attempts));
            }
        }
        Instant start = clock.instant();
        long startNanos = System.nanoTime();
        SendOutcome outcome;
        try (LogContext c = LogContext.open().endpoint(endpoint.id())) {
            outcome = adapters.send(endpoint, apiKey, command, timeout);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        long millis = Math.max(0, Duration.between(start, clock.instant()).toMillis());
        record(breaker, outcome, millis);
        metrics.attempt(endpoint.provider(), label(outcome));
        metrics.providerResponse(endpoint.provider(), label(outcome), took);
        return new Attempt.Done(outcome, true);
    }

    private static void record(CircuitBreaker breaker, SendOutcome outcome, long millis) {
        if (outcome instanceof SendOutcome.Failed f) {
            switch (f.cause()) {
                case ENDPOINT -> breaker.onError(millis, TimeUnit.MILLISECONDS, ENDPOINT_FAILURE);
                case ENDPOINT_RATE -> breaker.releasePermission();
                default -> breaker.onSuccess(millis, TimeUnit.MILLISECONDS);
            }
        } else if (outcome instanceof SendOutcome.Ambiguous) {
            breaker.onError(millis, TimeUnit.MILLISECONDS, ENDPOINT_FAILURE);
        } else {
            breaker.onSuccess(millis, TimeUnit.MILLISECONDS);
        }
    }

    private static String label(SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Sent) {
            return "sent";
        }
        return outcome instanceof SendOutcome.Ambiguous ? "ambiguous" : "failed";
    }

    private sealed interface Attempt {
        record Done(SendOutcome outcome, boolean called) implements Attempt {
        }

        record Stop(Ending result) implements Attempt {
        }
    }

    @FunctionalInterface
    private interface Ending {
        DeliveryResult apply(boolean mayHaveSent, int attempts, Endpoint lastEndpoint, SendOutcome.Failed last);
    }

    /** What the breaker records for a failed call; it carries no detail and no stack. */
    private static final class EndpointFailure extends Exception {
        EndpointFailure() {
            super("endpoint failure", null, false, false);
        }
    }
}
