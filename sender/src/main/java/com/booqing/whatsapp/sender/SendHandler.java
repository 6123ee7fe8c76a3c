package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.endpoint.Selection;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns one send command into exactly one send result: checks the recipient, chooses the endpoint, opens its
 * key and makes the provider call. Knows nothing of Kafka, so it is tested with plain objects.
 */
public final class SendHandler {
    public static final String INVALID_RECIPIENT = "invalid_recipient";
    public static final String EXPIRED = "expired";
    public static final String SECRET_UNAVAILABLE = "endpoint_secret_unavailable";
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";
    /** A tenant's messageTimeout is capped here, so one slow provider cannot stall a partition for long. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(2);

    private final EndpointDirectory directory;
    private final EndpointSelector selector;
    private final ProviderAdapters adapters;
    private final SecretBox secrets;
    private final PhoneNumbers phones;
    private final Duration defaultTimeout;
    private final Clock clock;

    public SendHandler(EndpointDirectory directory, EndpointSelector selector, ProviderAdapters adapters,
                       SecretBox secrets, PhoneNumbers phones, Duration defaultTimeout, Clock clock) {
        this.directory = directory;
        this.selector = selector;
        this.adapters = adapters;
        this.secrets = secrets;
        this.phones = phones;
        this.defaultTimeout = defaultTimeout;
        this.clock = clock;
    }

    public SendResult handle(SendCommand command) {
        if (command.notAfter() != null && clock.instant().isAfter(command.notAfter())) {
            return failed(command, null, EXPIRED, "not sent before its notAfter time", 0);
        }
        Optional<String> e164 = phones.toE164(command.to());
        if (e164.isEmpty()) {
            return failed(command, null, INVALID_RECIPIENT,
                    "'to' is not a valid phone number in international format", 0);
        }
        Optional<TenantConfiguration> configuration = directory.configuration(command.tenantId());
        Selection selection = selector.select(command, configuration,
                directory.endpointsOf(command.tenantId()), directory::health);
        if (selection instanceof Selection.NoEndpoint none) {
            return failed(command, null, none.code(), none.reason(), 0);
        }
        Selection.Chosen chosen = (Selection.Chosen) selection;
        SendCommand normalised = withRecipient(command, e164.get());
        Attempt attempt = deliver(normalised, chosen, timeout(configuration));
        return result(command, attempt);
    }

    /**
     * The one place a message meets providers. Today: one attempt on the chosen endpoint. Retries with backoff,
     * per-endpoint circuit breakers and rate limits, and failover to {@code chosen.fallbacks()} when an outcome
     * is {@link SendOutcome.Failed#certainlyNotSent()}, belong here.
     */
    private Attempt deliver(SendCommand command, Selection.Chosen chosen, Duration timeout) {
        Endpoint endpoint = chosen.endpoint();
        Optional<SendOutcome.Failed> refused = adapters.refusal(endpoint, command);
        if (refused.isPresent()) {
            return new Attempt(endpoint, refused.get(), 0);
        }
        String apiKey;
        try {
            if (endpoint.apiKey() == null) {
                return new Attempt(endpoint, SendOutcome.Failed.permanent(SECRET_UNAVAILABLE,
                        "endpoint has no API key"), 0);
            }
            apiKey = secrets.openString(endpoint.apiKey(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "apiKey"));
        } catch (SecretBox.SealedSecretException e) {
            return new Attempt(endpoint, SendOutcome.Failed.permanent(SECRET_UNAVAILABLE,
                    "endpoint API key cannot be opened: " + e.getMessage()), 0);
        }
        return new Attempt(endpoint, adapters.send(endpoint, apiKey, command, timeout), 1);
    }

    private Duration timeout(Optional<TenantConfiguration> configuration) {
        Duration t = configuration.map(TenantConfiguration::messageTimeout)
                .filter(ms -> ms > 0)
                .map(ms -> Duration.ofMillis(ms))
                .orElse(defaultTimeout);
        return t.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : t;
    }

    private SendResult result(SendCommand command, Attempt attempt) {
        SendOutcome outcome = attempt.outcome();
        if (outcome instanceof SendOutcome.Sent sent) {
            return new SendResult(command.messageId(), command.tenantId(), command.idempotencyKey(), command.to(),
                    SendResult.Outcome.SENT, attempt.endpoint().id(), attempt.endpoint().provider(),
                    sent.providerMessageId(), null, null, attempt.attempts(), clock.instant());
        }
        if (outcome instanceof SendOutcome.Failed f) {
            return failed(command, attempt.endpoint(), f.code(), f.reason(), attempt.attempts());
        }
        SendOutcome.Ambiguous a = (SendOutcome.Ambiguous) outcome;
        return failed(command, attempt.endpoint(), OUTCOME_UNKNOWN,
                "the message may have been sent: " + a.reason(), attempt.attempts());
    }

    private SendResult failed(SendCommand command, Endpoint endpoint, String code, String reason, int attempts) {
        Instant now = clock.instant();
        return new SendResult(command.messageId(), command.tenantId(), command.idempotencyKey(), command.to(),
                SendResult.Outcome.FAILED, endpoint == null ? null : endpoint.id(),
                endpoint == null ? null : endpoint.provider(), null, code, reason, attempts, now);
    }

    private static SendCommand withRecipient(SendCommand c, String to) {
        return new SendCommand(c.messageId(), c.tenantId(), c.deviceId(), c.endpointId(), to, c.message(),
                c.idempotencyKey(), c.notAfter(), c.requestedAt());
    }

    private record Attempt(Endpoint endpoint, SendOutcome outcome, int attempts) {
    }
}
