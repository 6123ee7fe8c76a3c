package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.SenderMetrics;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.Harness;
import com.booqing.whatsapp.sender.testing.InMemoryIdempotencyStore;
import com.booqing.whatsapp.sender.testing.ScriptedAdapter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.booqing.whatsapp.sender.testing.Harness.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Failover, retries, backoff, breakers and rate limits, with the provider scripted and time stepped. */
class DeliveryTest {
    private static final SendOutcome REFUSED = SendOutcome.Failed.retryable("connection_refused", "refused", true,
            null);
    private static final SendOutcome SERVER_ERROR = SendOutcome.Failed.retryable("131000", "Something went wrong",
            false, null);
    private static final SendOutcome UNAVAILABLE = SendOutcome.Failed.retryable("131016", "Service unavailable",
            true, null);

    private final ScriptedAdapter adapter = new ScriptedAdapter(ProviderType.CLOUD_API, Set.of("text"));
    private Harness h = new Harness(List.of(adapter));

    private void endpoints(Harness harness) {
        harness.directory.put(Fixtures.cloudEndpoint(harness.box, "ep_primary", "https://a.example", "ta", true));
        harness.directory.put(Fixtures.cloudEndpoint(harness.box, "ep_backup", "https://b.example", "tb", false));
    }

    private SendResult send() {
        return h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));
    }

    @Test
    void failsOverAtOnceWhenThePrimaryRefusesConnections() {
        endpoints(h);
        adapter.then("ep_primary", REFUSED);

        SendResult result = send();

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo("ep_backup");
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary", "ep_backup");
        assertThat(h.sleeper.sleeps()).isEmpty();
        assertThat(h.metrics.total(SenderMetrics.FAILOVERS)).isEqualTo(1.0);
    }

    @Test
    void neverFailsOverWhenTheFirstAttemptIsAmbiguous() {
        endpoints(h);
        adapter.then("ep_primary", new SendOutcome.Ambiguous("no answer within 3000 ms"));

        SendResult result = send();

        assertThat(result.errorCode()).isEqualTo("ambiguous");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary");
    }

    @Test
    void serverErrorThatMayHaveSentIsRetriedOnTheSameEndpointOnly() {
        endpoints(h);
        adapter.then("ep_primary", SERVER_ERROR, SERVER_ERROR);

        SendResult result = send();

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo("ep_primary");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary", "ep_primary", "ep_primary");
    }

    @Test
    void retriesWithCappedExponentialBackoffThenDeadLetters() {
        h = new Harness(List.of(adapter), Map.of("SENDER_BACKOFF_MAX_MS", "300", "SENDER_BREAKER_WINDOW", "10",
                "SENDER_BREAKER_MIN_CALLS", "10"), new InMemoryIdempotencyStore());
        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_only", "https://a.example", "t", true));
        adapter.always("ep_only", UNAVAILABLE);

        SendResult result = send();

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.DEAD_LETTERED);
        assertThat(result.errorCode()).isEqualTo("131016");
        assertThat(result.reason()).startsWith("gave up after 4 attempts");
        assertThat(result.attempts()).isEqualTo(4);
        // Jitter fixed at half of the ceiling: 100, 200, then 400 capped at 300 ms.
        assertThat(h.sleeper.sleeps()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofMillis(150));
    }

    @Test
    void retryWaitsUntilAnOpenCircuitAllowsATrialCall() {
        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_only", "https://a.example", "t", true));
        adapter.always("ep_only", UNAVAILABLE);

        SendResult result = send();

        // Two failures open the breaker for 10 s: each later retry waits until it lets a trial call through.
        assertThat(h.sleeper.sleeps()).containsExactly(Duration.ofMillis(50), Duration.ofMillis(10_001),
                Duration.ofMillis(10_001));
        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.DEAD_LETTERED);
        assertThat(result.errorCode()).isEqualTo("131016");
        assertThat(result.attempts()).isEqualTo(4);
    }

    @Test
    void waitsAtLeastTheRetryAfterTheProviderAskedFor() {
        endpoints(h);
        h.directory.put(new TenantConfiguration(Fixtures.TENANT, null, false, true, 30, 60, 3, 3000, NOW, NOW));
        adapter.then("ep_primary", SendOutcome.Failed.rateLimited("130429", "Rate limit hit", Duration.ofSeconds(7)));

        SendResult result = send();

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary", "ep_primary");
        assertThat(h.sleeper.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void rateLimitedPrimaryHandsTheMessageToTheBackup() {
        endpoints(h);
        adapter.then("ep_primary", SendOutcome.Failed.rateLimited("130429", "Rate limit hit", Duration.ofSeconds(7)));

        assertThat(send().endpointId()).isEqualTo("ep_backup");
    }

    @Test
    void permanentErrorIsNeitherRetriedNorFailedOver() {
        endpoints(h);
        adapter.then("ep_primary", SendOutcome.Failed.permanent("131026", "Message undeliverable"));

        SendResult result = send();

        assertThat(result.errorCode()).isEqualTo("131026");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary");
        assertThat(h.sleeper.sleeps()).isEmpty();
    }

    @Test
    void rejectedCredentialsFailOverButAreNotRetried() {
        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_only", "https://a.example", "t", true));
        adapter.then("ep_only", SendOutcome.Failed.endpointRejected("190", "access token rejected"));

        SendResult alone = send();

        assertThat(alone.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(alone.errorCode()).isEqualTo("190");
        assertThat(h.sleeper.sleeps()).isEmpty();

        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_backup", "https://b.example", "tb", false));
        adapter.then("ep_only", SendOutcome.Failed.endpointRejected("190", "access token rejected"));
        assertThat(send().endpointId()).isEqualTo("ep_backup");
    }

    @Test
    void pairRateLimitWaitsForThatRecipientOnTheSameEndpoint() {
        endpoints(h);
        adapter.then("ep_primary", SendOutcome.Failed.recipientRateLimited("131056", "pair rate limit", null));

        SendResult result = send();

        assertThat(result.endpointId()).isEqualTo("ep_primary");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary", "ep_primary");
        assertThat(h.sleeper.sleeps()).hasSize(1);
        assertThat(h.guards.state("ep_primary")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void deadLettersWhenTheNextRetryWouldPassNotAfter() {
        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_only", "https://a.example", "t", true));
        adapter.always("ep_only", UNAVAILABLE);
        SendCommand command = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", NOW.plusMillis(120), NOW);

        SendResult result = h.handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.DEAD_LETTERED);
        assertThat(result.reason()).contains("deadline");
        assertThat(result.attempts()).isEqualTo(2);
    }

    @Test
    void circuitOpensAfterFailuresSoTheNextMessageGoesStraightToTheBackupUntilAProbeSucceeds() {
        endpoints(h);
        adapter.then("ep_primary", REFUSED, REFUSED);

        send();
        send();
        assertThat(h.guards.state("ep_primary")).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(adapter.endpointsCalled()).containsExactly("ep_primary", "ep_backup", "ep_primary", "ep_backup");

        SendResult avoided = send();
        assertThat(avoided.endpointId()).isEqualTo("ep_backup");
        assertThat(adapter.endpointsCalled()).hasSize(5);

        h.clock.advance(Duration.ofSeconds(10).plusMillis(1));
        SendResult probe = send();
        assertThat(probe.endpointId()).isEqualTo("ep_primary");
        assertThat(h.guards.state("ep_primary")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void timeoutsCountAgainstTheBreakerButRequestErrorsDoNot() {
        endpoints(h);
        adapter.then("ep_primary", SendOutcome.Failed.permanent("131026", "undeliverable"),
                SendOutcome.Failed.permanent("131026", "undeliverable"),
                SendOutcome.Failed.permanent("131026", "undeliverable"));
        send();
        send();
        send();
        assertThat(h.guards.state("ep_primary")).isEqualTo(CircuitBreaker.State.CLOSED);

        adapter.then("ep_primary", new SendOutcome.Ambiguous("slow"), new SendOutcome.Ambiguous("slow"),
                new SendOutcome.Ambiguous("slow"));
        send();
        send();
        send();
        assertThat(h.guards.state("ep_primary")).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void rateLimitMakesCallsWaitForTheirTurn() {
        h = new Harness(List.of(adapter), Map.of("SENDER_RATE_PER_SECOND_DEFAULT", "2"),
                new InMemoryIdempotencyStore());
        h.directory.put(Fixtures.cloudEndpoint(h.box, "ep_only", "https://a.example", "t", true));

        for (int i = 0; i < 4; i++) {
            send();
        }

        // A burst of one (a tenth of a second's worth, at least one), then one call per half second.
        assertThat(h.sleeper.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofMillis(500));
        assertThat(adapter.calls()).hasSize(4);
    }

    @Test
    void loadIsSpreadOverEqualEndpointsByWeight() {
        Endpoint heavy = Fixtures.endpoint(h.box, "ep_heavy", Fixtures.TENANT, ProviderType.CLOUD_API,
                "https://a.example", "t", true, false, NOW);
        Endpoint light = Fixtures.endpoint(h.box, "ep_light", Fixtures.TENANT, ProviderType.CLOUD_API,
                "https://b.example", "t", true, false, NOW);
        h.directory.put(withWeight(heavy, 3)).put(withWeight(light, 1));

        for (int i = 0; i < 8; i++) {
            send();
        }

        assertThat(adapter.endpointsCalled()).containsExactly("ep_heavy", "ep_heavy", "ep_light", "ep_heavy",
                "ep_heavy", "ep_heavy", "ep_light", "ep_heavy");
    }

    private static Endpoint withWeight(Endpoint e, int weight) {
        return new Endpoint(e.id(), e.tenantId(), e.name(), e.provider(), e.apiUrl(), e.apiVersion(),
                e.phoneNumberId(), e.sessionName(), e.instanceName(), e.apiKey(), e.webhookSecret(), e.verifyToken(),
                e.isActive(), e.isPrimary(), weight, e.createdAt(), e.updatedAt());
    }
}
