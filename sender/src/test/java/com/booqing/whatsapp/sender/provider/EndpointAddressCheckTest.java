package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.Harness;
import com.booqing.whatsapp.sender.testing.InMemoryIdempotencyStore;
import com.booqing.whatsapp.sender.testing.ScriptedAdapter;
import com.booqing.whatsapp.sender.testing.StubHttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointAddressCheckTest {
    private static final String TOKEN = "secret-token-1";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final SecretBox box = Fixtures.secretBox();
    private final ScriptedAdapter adapter = new ScriptedAdapter(ProviderType.CLOUD_API, Set.of("text"));
    private final SendCommand command = Fixtures.text("+31612345678", "hi");

    private Endpoint endpoint(String apiUrl) {
        return Fixtures.cloudEndpoint(box, "ep_a", apiUrl, TOKEN, true);
    }

    private static EndpointAddressCheck resolvingTo(boolean allowPrivate, int... address) {
        byte[] bytes = new byte[address.length];
        for (int i = 0; i < address.length; i++) {
            bytes[i] = (byte) address[i];
        }
        return new EndpointAddressCheck(new EndpointUrlGuard(allowPrivate),
                host -> new InetAddress[]{InetAddress.getByAddress(host, bytes)});
    }

    private static void assertRefused(SendOutcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> {
            assertThat(f.code()).isEqualTo(ProviderCodes.ENDPOINT_URL_REFUSED);
            assertThat(f.certainlyNotSent()).isTrue();
            assertThat(f.retryable()).isFalse();
            assertThat(f.reason()).doesNotContain(TOKEN).doesNotContain("/v23.0").doesNotContain("http");
        });
    }

    @Test
    void metadataAndLoopbackUrlsAreRefusedWithoutCallingTheAdapter() {
        ProviderAdapters adapters = new ProviderAdapters(List.of(adapter), Fixtures.addressCheck(false));

        for (String url : List.of("http://169.254.169.254/", "http://127.0.0.1:1/", "http://localhost:1/",
                "http://2130706433/")) {
            assertRefused(adapters.send(endpoint(url), TOKEN, command, TIMEOUT));
        }

        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void loopbackEndpointGetsNoConnectionFromTheRealAdapter() throws IOException {
        try (StubHttpServer server = new StubHttpServer()) {
            server.answer(200, "{\"messages\":[{\"id\":\"wamid.1\"}]}");
            ProviderAdapters adapters = new ProviderAdapters(
                    List.of(new CloudApiAdapter(CloudApiAdapter.httpClient(TIMEOUT))), Fixtures.addressCheck(false));

            SendOutcome outcome = adapters.send(endpoint(server.baseUrl() + "/"), TOKEN, command, TIMEOUT);

            assertRefused(outcome);
            assertThat(((SendOutcome.Failed) outcome).reason()).contains("loopback").contains("127.0.0.1");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void hostNameThatResolvesToAPrivateAddressIsRefusedNamingOnlyTheHost() {
        ProviderAdapters adapters = new ProviderAdapters(List.of(adapter), resolvingTo(false, 10, 0, 0, 7));

        SendOutcome outcome = adapters.send(endpoint("https://graph.tenant-provider.com/base?x=1"), TOKEN, command,
                TIMEOUT);

        assertRefused(outcome);
        assertThat(((SendOutcome.Failed) outcome).reason()).contains("private").contains("graph.tenant-provider.com")
                .doesNotContain("10.0.0.7").doesNotContain("base").doesNotContain("x=1");
        assertThat(adapter.calls()).isEmpty();
    }

    @Test
    void publicHostIsCalled() {
        ProviderAdapters adapters = new ProviderAdapters(List.of(adapter), resolvingTo(false, 93, 184, 216, 34));

        assertThat(adapters.send(endpoint("https://graph.tenant-provider.com"), TOKEN, command, TIMEOUT))
                .isInstanceOf(SendOutcome.Sent.class);
        assertThat(adapter.calls()).hasSize(1);
    }

    @Test
    void allowingPrivateEndpointsLetsLoopbackThroughButNeverTheMetadataService() {
        ProviderAdapters adapters = new ProviderAdapters(List.of(adapter), Fixtures.addressCheck(true));

        assertThat(adapters.send(endpoint("http://127.0.0.1:1/"), TOKEN, command, TIMEOUT))
                .isInstanceOf(SendOutcome.Sent.class);
        assertRefused(adapters.send(endpoint("http://169.254.169.254/"), TOKEN, command, TIMEOUT));
        assertThat(adapter.calls()).hasSize(1);
    }

    @Test
    void hostThatDoesNotResolveIsLeftToTheCallToReportAsDnsFailure() {
        EndpointAddressCheck check = new EndpointAddressCheck(new EndpointUrlGuard(false), host -> {
            throw new UnknownHostException(host);
        });

        assertThat(check.refusal(endpoint("https://nowhere.tenant-provider.com"))).isEmpty();
    }

    @Test
    void refusedEndpointFailsTheMessageWithoutRetriesOrAProviderCall() {
        Harness h = new Harness(List.of(adapter), Map.of(), new InMemoryIdempotencyStore(),
                Fixtures.addressCheck(false));
        h.directory.put(endpoint("http://169.254.169.254/"));

        SendResult result = h.handler.handle(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(ProviderCodes.ENDPOINT_URL_REFUSED);
        assertThat(result.reason()).doesNotContain(TOKEN);
        assertThat(adapter.calls()).isEmpty();
    }
}
