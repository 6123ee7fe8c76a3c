package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.provider.ProviderAdapter;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.provider.SendOutcome;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;
import com.booqing.whatsapp.sender.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SendHandlerTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final SecretBox box = Fixtures.secretBox();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final RecordingAdapter adapter = new RecordingAdapter();
    private final SendHandler handler = new SendHandler(new Directory(), new EndpointSelector(),
            new ProviderAdapters(List.of(adapter)), box, new PhoneNumbers(), Duration.ofSeconds(3),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final class Directory implements EndpointDirectory {
        @Override
        public Optional<TenantConfiguration> configuration(String tenantId) {
            return Optional.empty();
        }

        @Override
        public Collection<Endpoint> endpointsOf(String tenantId) {
            return endpoints.stream().filter(e -> e.tenantId().equals(tenantId)).toList();
        }

        @Override
        public HealthState health(String endpointId) {
            return HealthState.UNKNOWN;
        }
    }

    private static final class RecordingAdapter implements ProviderAdapter {
        final List<String> keys = new ArrayList<>();
        final List<SendCommand> commands = new ArrayList<>();
        SendOutcome next = new SendOutcome.Sent("wamid.1");

        @Override
        public ProviderType provider() {
            return ProviderType.CLOUD_API;
        }

        @Override
        public Set<String> capabilities() {
            return Set.of("text");
        }

        @Override
        public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
            keys.add(secretApiKey);
            commands.add(command);
            return next;
        }
    }

    @Test
    void sendsThroughThePrimaryWithTheOpenedKeyAndTheNormalisedNumber() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "secret-token", true));
        SendCommand command = Fixtures.text("31612345678", "hi");

        SendResult result = handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.providerMessageId()).isEqualTo("wamid.1");
        assertThat(result.endpointId()).isEqualTo("ep_a");
        assertThat(result.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(result.messageId()).isEqualTo(command.messageId());
        assertThat(result.to()).isEqualTo("31612345678");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(adapter.keys).containsExactly("secret-token");
        assertThat(adapter.commands.get(0).to()).isEqualTo("+31612345678");
    }

    @Test
    void invalidRecipientFailsWithoutCallingTheProvider() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "t", true));

        SendResult result = handler.handle(Fixtures.text("12345", "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.INVALID_RECIPIENT);
        assertThat(result.attempts()).isZero();
        assertThat(adapter.commands).isEmpty();
    }

    @Test
    void unsupportedProviderFailsClearly() {
        endpoints.add(Fixtures.endpoint(box, "ep_w", Fixtures.TENANT, ProviderType.WAHA, "http://waha", "k", true, true,
                NOW));

        SendResult result = handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(ProviderAdapters.NOT_SUPPORTED);
        assertThat(result.reason()).contains("provider not supported yet");
        assertThat(result.endpointId()).isEqualTo("ep_w");
        assertThat(adapter.commands).isEmpty();
    }

    @Test
    void contentTheProviderCannotSendFailsWithoutACall() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "t", true));

        SendResult result = handler.handle(Fixtures.command(Fixtures.RECIPIENT,
                new MessageContent.Location(1, 2, null, null)));

        assertThat(result.errorCode()).isEqualTo(ProviderAdapters.UNSUPPORTED_CONTENT);
        assertThat(adapter.commands).isEmpty();
    }

    @Test
    void keySealedForAnotherEndpointIsRefused() {
        Endpoint other = Fixtures.cloudEndpoint(box, "ep_other", "https://graph.example", "t", true);
        Endpoint copied = Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", null, true);
        endpoints.add(new Endpoint(copied.id(), copied.tenantId(), copied.name(), copied.provider(), copied.apiUrl(),
                copied.apiVersion(), copied.phoneNumberId(), null, null, other.apiKey(), null, null, true, true, 1,
                null, null));

        SendResult result = handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(SendHandler.SECRET_UNAVAILABLE);
        assertThat(adapter.commands).isEmpty();
    }

    @Test
    void ambiguousOutcomeIsReportedAsFailedWithUnknownOutcome() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "t", true));
        adapter.next = new SendOutcome.Ambiguous("no answer within 3000 ms");

        SendResult result = handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.OUTCOME_UNKNOWN);
        assertThat(result.reason()).contains("may have been sent");
    }

    @Test
    void providerErrorCodeReachesTheResult() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "t", true));
        adapter.next = SendOutcome.Failed.permanent("131026", "Message undeliverable");

        SendResult result = handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo("131026");
        assertThat(result.reason()).isEqualTo("Message undeliverable");
    }

    @Test
    void expiredCommandIsNotSent() {
        endpoints.add(Fixtures.cloudEndpoint(box, "ep_a", "https://graph.example", "t", true));
        SendCommand late = new SendCommand(null, Fixtures.TENANT, null, null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", NOW.minusSeconds(1), NOW.minusSeconds(60));

        SendResult result = handler.handle(late);

        assertThat(result.errorCode()).isEqualTo(SendHandler.EXPIRED);
        assertThat(adapter.commands).isEmpty();
    }

    @Test
    void tenantWithoutEndpointsFails() {
        SendResult result = handler.handle(Fixtures.text(Fixtures.RECIPIENT, "hi"));

        assertThat(result.errorCode()).isEqualTo(EndpointSelector.NO_ENDPOINT);
    }
}
