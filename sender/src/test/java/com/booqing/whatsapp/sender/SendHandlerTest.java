package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.CommandFingerprint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.sender.delivery.Cancellation;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.idempotency.IdempotencyStore;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.Harness;
import com.booqing.whatsapp.sender.testing.InMemoryIdempotencyStore;
import com.booqing.whatsapp.sender.testing.ScriptedAdapter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static com.booqing.whatsapp.sender.testing.Harness.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class SendHandlerTest {
    private final ScriptedAdapter adapter = new ScriptedAdapter(ProviderType.CLOUD_API, Set.of("text"));
    private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
    private final Harness h = new Harness(List.of(adapter), Map.of(), store);

    private Endpoint endpoint(String id, boolean primary) {
        Endpoint e = Fixtures.cloudEndpoint(h.box, id, "https://graph.example", "token-" + id, primary);
        h.directory.put(e);
        return e;
    }

    @Test
    void sendsThroughThePrimaryWithTheOpenedKeyAndTheNormalisedNumber() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text("31612345678", "hi");

        SendResult result = h.handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.providerMessageId()).isEqualTo("wamid.1");
        assertThat(result.endpointId()).isEqualTo("ep_a");
        assertThat(result.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(result.messageId()).isEqualTo(command.messageId());
        assertThat(result.to()).isEqualTo("31612345678");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(adapter.calls()).singleElement().satisfies(c -> {
            assertThat(c.apiKey()).isEqualTo("token-ep_a");
            assertThat(c.command().to()).isEqualTo("+31612345678");
            assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        });
    }

    @Test
    void invalidRecipientFailsWithoutCallingTheProvider() {
        endpoint("ep_a", true);

        SendResult result = h.handler.handle(Fixtures.text("12345", "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.INVALID_RECIPIENT);
        assertThat(result.attempts()).isZero();
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void providerWithoutAnAdapterFailsClearly() {
        h.directory.put(Fixtures.endpoint(h.box, "ep_w", Fixtures.TENANT, ProviderType.WAHA, "http://waha", "k", true,
                true, NOW));

        SendResult result = h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(ProviderAdapters.NOT_SUPPORTED);
        assertThat(result.reason()).contains("provider not supported yet");
        assertThat(result.endpointId()).isEqualTo("ep_w");
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void contentTheProviderCannotSendFailsWithoutACallAndSaysWhy() {
        endpoint("ep_a", true);

        SendResult result = h.handler.handle(Fixtures.command(Fixtures.RECIPIENT,
                new MessageContent.Location(1, 2, null, null)));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(ProviderAdapters.UNSUPPORTED_CONTENT);
        assertThat(result.reason()).contains("cannot send 'location'");
        assertThat(result.attempts()).isZero();
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void keySealedForAnotherEndpointIsRefused() {
        Endpoint other = Fixtures.cloudEndpoint(h.box, "ep_other", "https://graph.example", "t", true);
        Endpoint copied = Fixtures.cloudEndpoint(h.box, "ep_a", "https://graph.example", null, true);
        h.directory.put(new Endpoint(copied.id(), copied.tenantId(), copied.name(), copied.provider(),
                copied.apiUrl(), copied.apiVersion(), copied.phoneNumberId(), null, null, other.apiKey(), null, null,
                true, true, 1, null, null));

        SendResult result = h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(SendHandler.SECRET_UNAVAILABLE);
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void ambiguousOutcomeIsFailedAmbiguousAndCountedAsAPossibleDuplicate() {
        endpoint("ep_a", true);
        endpoint("ep_b", false);
        adapter.then("ep_a", new SendOutcome.Ambiguous("no answer within 3000 ms"));

        SendResult result = h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.AMBIGUOUS);
        assertThat(result.reason()).startsWith("outcome unknown").contains("may have been sent");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_a");
        assertThat(h.metrics.total(SenderMetrics.POSSIBLE_DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void providerErrorCodeReachesTheResultWithoutRetry() {
        endpoint("ep_a", true);
        adapter.then("ep_a", SendOutcome.Failed.permanent("131026", "Message undeliverable"));

        SendResult result = h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo("131026");
        assertThat(result.reason()).isEqualTo("Message undeliverable");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(h.sleeper.sleeps()).isEmpty();
    }

    @Test
    void expiredCommandIsDeadLetteredUnsent() {
        endpoint("ep_a", true);
        SendCommand late = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", NOW.minusSeconds(1), NOW.minusSeconds(60));

        SendResult result = h.handler.handle(late);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.DEAD_LETTERED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.EXPIRED);
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void tenantWithoutEndpointsFails() {
        SendResult result = h.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(EndpointSelector.NO_ENDPOINT);
    }

    @Test
    void sameCommandTwiceIsSentOnceAndGetsTheFirstResultAgain() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");

        SendResult first = h.handler.handle(command);
        h.clock.advance(Duration.ofMinutes(5));
        SendResult second = h.handler.handle(command);

        assertThat(second).isEqualTo(first);
        assertThat(adapter.calls()).hasSize(1);
        assertThat(h.metrics.total(SenderMetrics.REPLAYS)).isEqualTo(1.0);
    }

    @Test
    void repeatAfterNotAfterStillGetsTheFirstResult() {
        endpoint("ep_a", true);
        SendCommand command = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k-late", NOW.plusSeconds(10), NOW);

        SendResult first = h.handler.handle(command);
        h.clock.advance(Duration.ofMinutes(1));

        assertThat(h.handler.handle(command)).isEqualTo(first);
        assertThat(first.outcome()).isEqualTo(SendResult.Outcome.SENT);
    }

    @Test
    void sameKeyWithADifferentBodyIsRefused() {
        endpoint("ep_a", true);
        SendCommand first = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "same-key", null, NOW);
        SendCommand other = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("something else", null), "same-key", null, NOW);

        h.handler.handle(first);
        SendResult refused = h.handler.handle(other);

        assertThat(refused.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(refused.errorCode()).isEqualTo(SendHandler.IDEMPOTENCY_CONFLICT);
        assertThat(adapter.calls()).hasSize(1);
    }

    @Test
    void sameKeyWithTheRecipientWrittenDifferentlyIsTheSameCommand() {
        endpoint("ep_a", true);
        SendCommand withPlus = new SendCommand(null, Fixtures.TENANT, null, null, "+31612345678",
                new MessageContent.Text("hi", null), "same-key", null, NOW);
        SendCommand digits = new SendCommand(null, Fixtures.TENANT, null, null, "31612345678",
                new MessageContent.Text("hi", null), "same-key", null, NOW.plusSeconds(3));

        h.handler.handle(withPlus);

        assertThat(h.handler.handle(digits).outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(adapter.calls()).hasSize(1);
    }

    @Test
    void theClaimsLeaseGrowsWithTheConfiguredMargin() {
        Instant withDefault = leaseOfOneSend(Map.of());
        Instant withFiveSeconds = leaseOfOneSend(Map.of("SENDER_LEASE_MARGIN_MS", "5000"));

        // The default margin is 30 s: how much longer a crashed instance's recipients wait.
        assertThat(Duration.between(withFiveSeconds, withDefault)).isEqualTo(Duration.ofSeconds(25));
    }

    /** The lease the handler asks for when it claims one command's key. */
    private static Instant leaseOfOneSend(Map<String, String> env) {
        InMemoryIdempotencyStore inner = new InMemoryIdempotencyStore();
        AtomicReference<Instant> lease = new AtomicReference<>();
        IdempotencyStore recording = new IdempotencyStore() {
            @Override
            public Claim claim(String tenantId, String key, String bodyHash, Instant leaseUntil) {
                lease.compareAndSet(null, leaseUntil);
                return inner.claim(tenantId, key, bodyHash, leaseUntil);
            }

            @Override
            public boolean complete(String tenantId, String key, String token, SendResult result) {
                return inner.complete(tenantId, key, token, result);
            }

            @Override
            public void release(String tenantId, String key, String token) {
                inner.release(tenantId, key, token);
            }

            @Override
            public boolean resolve(String tenantId, String key, String observed, SendResult result) {
                return inner.resolve(tenantId, key, observed, result);
            }
        };
        Harness harness = new Harness(List.of(new ScriptedAdapter(ProviderType.CLOUD_API, Set.of("text"))), env,
                recording);
        harness.directory.put(Fixtures.cloudEndpoint(harness.box, "ep_a", "https://graph.example", "token-ep_a", true));

        assertThat(harness.handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi")).outcome())
                .isEqualTo(SendResult.Outcome.SENT);
        return lease.get();
    }

    @Test
    void claimLeftByACrashedInstanceIsReportedAmbiguousAndNotResent() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");
        store.abandonedClaim(Fixtures.TENANT, command.idempotencyKey(), hash(command), NOW.plusSeconds(20));

        SendResult result = h.handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.AMBIGUOUS);
        assertThat(result.reason()).contains("interrupted");
        assertThat(adapter.calls()).isEmpty();
        // It waited out the lease before judging the first owner gone.
        assertThat(h.clock.instant()).isAfterOrEqualTo(NOW.plusSeconds(20));
        assertThat(h.metrics.total(SenderMetrics.POSSIBLE_DUPLICATES)).isEqualTo(1.0);
        assertThat(h.handler.handle(command)).isEqualTo(result);
    }

    @Test
    void claimOfAnInstanceStillAtWorkIsWaitedForAndItsResultReturned() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");
        store.abandonedClaim(Fixtures.TENANT, command.idempotencyKey(), hash(command), NOW.plusSeconds(20));
        SendResult theirs = new SendResult(command.messageId(), Fixtures.TENANT, command.idempotencyKey(),
                command.to(), SendResult.Outcome.SENT, "ep_a", ProviderType.CLOUD_API, "wamid.theirs", null, null, 1,
                NOW);
        h.sleeper.onSleep(() -> {
            InMemoryIdempotencyStore.Claim c = store.claim(Fixtures.TENANT, command.idempotencyKey(), hash(command),
                    NOW);
            if (c instanceof InMemoryIdempotencyStore.InFlight f) {
                store.resolve(Fixtures.TENANT, command.idempotencyKey(), f.observed(), theirs);
            }
        });

        assertThat(h.handler.handle(command)).isEqualTo(theirs);
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void cancelledBeforeTheFirstCallReleasesTheKeyForTheNextOwner() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();

        Optional<SendResult> result = h.handler.handle(command, cancelled);

        assertThat(result).isEmpty();
        assertThat(adapter.calls()).isEmpty();
        assertThat(store.has(Fixtures.TENANT, command.idempotencyKey())).isFalse();
    }

    @Test
    void cancelledAfterAnAttemptThatMayHaveSentKeepsTheClaim() {
        endpoint("ep_a", true);
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");
        adapter.then("ep_a", SendOutcome.Failed.retryable("131000", "Something went wrong", false, null));
        Cancellation cancellation = new Cancellation();
        h.sleeper.onSleep(cancellation::cancel);

        assertThat(h.handler.handle(command, cancellation)).isEmpty();
        assertThat(store.has(Fixtures.TENANT, command.idempotencyKey())).isTrue();
    }

    @Test
    void deviceMessageGoesThroughTheDevicesEndpointOnly() {
        endpoint("ep_a", true);
        endpoint("ep_b", false);
        h.directory.put(new Device("dev_1", Fixtures.TENANT, "ep_b", "front desk", null, DeviceStatus.CONNECTED, null,
                null, 0, 5, NOW, NOW));
        adapter.then("ep_b", SendOutcome.Failed.retryable("connection_refused", "down", true, null));
        SendCommand command = new SendCommand(null, Fixtures.TENANT, "dev_1", null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k-dev", null, NOW);

        SendResult result = h.handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo("ep_b");
        assertThat(adapter.endpointsCalled()).containsExactly("ep_b", "ep_b");
    }

    @Test
    void deviceOfAnotherTenantIsNotFound() {
        endpoint("ep_a", true);
        h.directory.put(new Device("dev_x", "other", "ep_a", "x", null, DeviceStatus.CONNECTED, null, null, 0, 5, NOW,
                NOW));
        SendCommand command = new SendCommand(null, Fixtures.TENANT, "dev_x", null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k-dev-x", null, NOW);

        assertThat(h.handler.handle(command).errorCode()).isEqualTo(EndpointSelector.DEVICE_NOT_FOUND);
        assertThat(adapter.calls()).isEmpty();
    }

    private static String hash(SendCommand c) {
        return CommandFingerprint.of(c.tenantId(), "+31612345678", c.deviceId(), c.endpointId(), c.message());
    }
}
