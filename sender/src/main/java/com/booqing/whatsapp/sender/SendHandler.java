package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.CommandFingerprint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.delivery.Cancellation;
import com.booqing.whatsapp.sender.delivery.Delivery;
import com.booqing.whatsapp.sender.delivery.DeliveryResult;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;
import com.booqing.whatsapp.sender.endpoint.EndpointGuards;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.endpoint.Selection;
import com.booqing.whatsapp.sender.idempotency.IdempotencyStore;
import com.booqing.whatsapp.sender.provider.ProviderCodes;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns one send command into exactly one send result: checks the recipient, makes sure the command is sent at
 * most once per idempotency key, chooses the endpoint and hands it to {@link Delivery}. Knows nothing of Kafka, so
 * it is tested with plain objects.
 */
public final class SendHandler {
    private static final Logger log = LoggerFactory.getLogger(SendHandler.class);
    public static final String INVALID_RECIPIENT = "invalid_recipient";
    public static final String EXPIRED = "expired";
    public static final String SECRET_UNAVAILABLE = ProviderCodes.SECRET_UNAVAILABLE;
    /** The message may or may not have gone out: a timeout after the request left, or an interrupted earlier try. */
    public static final String AMBIGUOUS = "ambiguous";
    public static final String IDEMPOTENCY_CONFLICT = "idempotency_conflict";
    /** A tenant's messageTimeout is capped here, so one slow provider cannot stall a lane for long. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CALL_GRACE = Duration.ofSeconds(3);

    private final EndpointDirectory directory;
    private final EndpointSelector selector;
    private final EndpointGuards guards;
    private final Delivery delivery;
    private final IdempotencyStore idempotency;
    private final PhoneNumbers phones;
    private final SenderSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SenderMetrics metrics;

    public SendHandler(EndpointDirectory directory, EndpointSelector selector, EndpointGuards guards,
                       Delivery delivery, IdempotencyStore idempotency, PhoneNumbers phones, SenderSettings settings,
                       Clock clock, Sleeper sleeper, SenderMetrics metrics) {
        this.directory = directory;
        this.selector = selector;
        this.guards = guards;
        this.delivery = delivery;
        this.idempotency = idempotency;
        this.phones = phones;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    public SendResult handle(SendCommand command) {
        return handle(command, new Cancellation())
                .orElseThrow(() -> new IllegalStateException("cancelled without a cancellation"));
    }

    /** @return the result to publish; empty when cancelled before there was one (the next owner will redo it) */
    public Optional<SendResult> handle(SendCommand command, Cancellation cancel) {
        Optional<String> e164 = phones.toE164(command.to());
        if (e164.isEmpty()) {
            return Optional.of(failed(command, null, INVALID_RECIPIENT,
                    "'to' is not a valid phone number in international format", 0));
        }
        SendCommand normalised = withRecipient(command, e164.get());
        String hash = CommandFingerprint.of(command.tenantId(), e164.get(), command.deviceId(), command.endpointId(),
                command.message());
        Duration timeout = timeout(directory.configuration(command.tenantId()));
        Duration maxProcessing = maxProcessing(timeout, Math.max(1, directory.endpointsOf(command.tenantId()).size()));
        int unavailable = 0;
        while (true) {
            Instant now = clock.instant();
            IdempotencyStore.Claim claim;
            try {
                claim = idempotency.claim(command.tenantId(), command.idempotencyKey(), hash,
                        now.plus(maxProcessing).plus(timeout).plus(CALL_GRACE).plus(settings.leaseMargin()));
            } catch (IdempotencyStore.Unavailable e) {
                log.warn("idempotency store unavailable for message {}, waiting: {}", command.messageId(),
                        e.getMessage());
                unavailable = Math.min(unavailable + 1, 30);
                if (!cancel.sleep(sleeper, Duration.ofSeconds(unavailable))) {
                    return Optional.empty();
                }
                continue;
            }
            if (claim instanceof IdempotencyStore.Completed done) {
                metrics.replay();
                return Optional.of(done.result());
            }
            if (claim instanceof IdempotencyStore.Conflict) {
                return Optional.of(failed(command, null, IDEMPOTENCY_CONFLICT,
                        "idempotency key '" + command.idempotencyKey() + "' was used for a different message", 0));
            }
            if (claim instanceof IdempotencyStore.InFlight inFlight) {
                Optional<SendResult> settled = settleInFlight(command, inFlight, cancel);
                if (settled == null) {
                    continue;
                }
                return settled;
            }
            String token = ((IdempotencyStore.Claimed) claim).token();
            return send(command, normalised, timeout, now.plus(maxProcessing), token, cancel);
        }
    }

    /**
     * Someone else holds the key. While their lease runs they may still be sending: wait and look again. Once it
     * ran out without a result, they died between calling the provider and recording the answer: the message may
     * have gone out, so it is reported as ambiguous, never sent again.
     *
     * @return the result, empty when cancelled, null to look again
     */
    private Optional<SendResult> settleInFlight(SendCommand command, IdempotencyStore.InFlight inFlight,
                                                Cancellation cancel) {
        Instant now = clock.instant();
        if (now.isBefore(inFlight.leaseUntil())) {
            Duration left = Duration.between(now, inFlight.leaseUntil());
            return cancel.sleep(sleeper, left.compareTo(settings.leasePoll()) < 0 ? left : settings.leasePoll())
                    ? null : Optional.empty();
        }
        SendResult unknown = failed(command, null, AMBIGUOUS, "outcome unknown: an earlier attempt to send this"
                + " message was interrupted after it may have reached the provider; it is not sent again", 0);
        try {
            if (idempotency.resolve(command.tenantId(), command.idempotencyKey(), inFlight.observed(), unknown)) {
                metrics.possibleDuplicate("interrupted");
                log.warn("message {} of tenant {}: an earlier attempt was interrupted, outcome unknown",
                        command.messageId(), command.tenantId());
                return Optional.of(unknown);
            }
        } catch (IdempotencyStore.Unavailable e) {
            log.warn("idempotency store unavailable while settling message {}: {}", command.messageId(),
                    e.getMessage());
        }
        return null;
    }

    private Optional<SendResult> send(SendCommand command, SendCommand normalised, Duration timeout,
                                      Instant leaseDeadline, String token, Cancellation cancel) {
        Processed processed = process(command, normalised, timeout, leaseDeadline, cancel);
        String tenant = command.tenantId();
        String key = command.idempotencyKey();
        try {
            if (processed.result() == null) {
                if (!processed.mayHaveSent()) {
                    idempotency.release(tenant, key, token);
                }
                return Optional.empty();
            }
            if (!idempotency.complete(tenant, key, token, processed.result())) {
                log.warn("message {} of tenant {}: its idempotency claim was settled by another instance meanwhile",
                        command.messageId(), tenant);
            }
        } catch (IdempotencyStore.Unavailable e) {
            // The result is still published; a repeat of the command would then find the claim and wait out its lease.
            log.warn("idempotency store unavailable recording message {}: {}", command.messageId(), e.getMessage());
        }
        return Optional.ofNullable(processed.result());
    }

    private Processed process(SendCommand command, SendCommand normalised, Duration timeout, Instant leaseDeadline,
                              Cancellation cancel) {
        Instant now = clock.instant();
        if (command.notAfter() != null && now.isAfter(command.notAfter())) {
            return new Processed(deadLettered(command, null, EXPIRED, "not sent before its notAfter time", 0), false);
        }
        String tenant = command.tenantId();
        Optional<TenantConfiguration> configuration = directory.configuration(tenant);
        Selection selection = selector.select(normalised, configuration, directory.endpointsOf(tenant),
                directory::health, directory::device, guards::circuitOpen);
        if (selection instanceof Selection.NoEndpoint none) {
            return new Processed(failed(command, null, none.code(), none.reason(), 0), false);
        }
        Instant deadline = command.notAfter() != null && command.notAfter().isBefore(leaseDeadline)
                ? command.notAfter() : leaseDeadline;
        DeliveryResult delivered = delivery.deliver(normalised, (Selection.Chosen) selection, timeout, deadline,
                cancel);
        if (delivered instanceof DeliveryResult.Aborted aborted) {
            return new Processed(null, aborted.mayHaveSent());
        }
        if (delivered instanceof DeliveryResult.GaveUp gaveUp) {
            return new Processed(deadLettered(command, gaveUp.endpoint(), gaveUp.last().code(),
                    gaveUp.why() + ": " + gaveUp.last().reason(), gaveUp.attempts()), false);
        }
        DeliveryResult.Finished finished = (DeliveryResult.Finished) delivered;
        Endpoint endpoint = finished.endpoint();
        SendOutcome outcome = finished.outcome();
        if (outcome instanceof SendOutcome.Sent sent) {
            return new Processed(new SendResult(command.messageId(), tenant, command.idempotencyKey(), command.to(),
                    SendResult.Outcome.SENT, endpoint.id(), endpoint.provider(), sent.providerMessageId(), null, null,
                    finished.attempts(), clock.instant()), false);
        }
        if (outcome instanceof SendOutcome.Failed f) {
            return new Processed(failed(command, endpoint, f.code(), f.reason(), finished.attempts()), false);
        }
        SendOutcome.Ambiguous a = (SendOutcome.Ambiguous) outcome;
        metrics.possibleDuplicate("timeout");
        return new Processed(failed(command, endpoint, AMBIGUOUS,
                "outcome unknown: the message may have been sent: " + a.reason(), finished.attempts()), false);
    }

    /**
     * The longest a command may keep trying: every retry round calling every endpoint up to its timeout, plus the
     * longest backoffs. It bounds the idempotency lease, so a second instance knows when the first is gone.
     */
    private Duration maxProcessing(Duration timeout, int endpoints) {
        // In milliseconds: Duration.multipliedBy goes through BigDecimal, and this runs for every command.
        long perRound = (timeout.toMillis() + CALL_GRACE.toMillis()) * endpoints;
        return Duration.ofMillis(perRound * (settings.retries() + 1L)
                + settings.backoffMax().toMillis() * settings.retries());
    }

    private Duration timeout(Optional<TenantConfiguration> configuration) {
        Duration t = configuration.map(TenantConfiguration::messageTimeout)
                .filter(ms -> ms > 0)
                .map(ms -> Duration.ofMillis(ms))
                .orElse(settings.timeout());
        return t.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : t;
    }

    private SendResult failed(SendCommand command, Endpoint endpoint, String code, String reason, int attempts) {
        return result(command, SendResult.Outcome.FAILED, endpoint, code, reason, attempts);
    }

    private SendResult deadLettered(SendCommand command, Endpoint endpoint, String code, String reason, int attempts) {
        return result(command, SendResult.Outcome.DEAD_LETTERED, endpoint, code, reason, attempts);
    }

    private SendResult result(SendCommand command, SendResult.Outcome outcome, Endpoint endpoint, String code,
                              String reason, int attempts) {
        return new SendResult(command.messageId(), command.tenantId(), command.idempotencyKey(), command.to(),
                outcome, endpoint == null ? null : endpoint.id(), endpoint == null ? null : endpoint.provider(),
                null, code, reason, attempts, clock.instant());
    }

    private static SendCommand withRecipient(SendCommand c, String to) {
        return new SendCommand(c.messageId(), c.tenantId(), c.deviceId(), c.endpointId(), to, c.message(),
                c.idempotencyKey(), c.notAfter(), c.requestedAt());
    }

    /** @param result null when cancelled; then {@code mayHaveSent} says whether the claim must be kept */
    private record Processed(SendResult result, boolean mayHaveSent) {
    }
}
