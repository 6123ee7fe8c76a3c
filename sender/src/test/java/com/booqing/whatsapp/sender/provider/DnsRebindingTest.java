package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.StubHttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile DNS server answers an allowed address when the host is checked and a forbidden one when the client
 * connects. The sender's connection must go to an address it checked, never to a lookup of its own.
 * The host names below exist in no DNS: a call that resolved them itself would fail as dns_failure.
 */
class DnsRebindingTest {
    private static final String TOKEN = "secret-token-rebind";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SecretBox box = Fixtures.secretBox();
    private final SendCommand command = Fixtures.text("+31612345678", "hi");

    /** Answers each lookup with the next address of the script, the last one for good. */
    private static EndpointAddressCheck.Resolver scripted(AtomicInteger lookups, String... addresses) {
        Deque<String> script = new ArrayDeque<>(List.of(addresses));
        return host -> {
            lookups.incrementAndGet();
            String next = script.size() > 1 ? script.poll() : script.peek();
            return new InetAddress[]{InetAddress.getByAddress(host, InetAddress.getByName(next).getAddress())};
        };
    }

    private Endpoint endpointAt(StubHttpServer server) {
        int port = Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));
        return Fixtures.cloudEndpoint(box, "ep_rebind", "http://api.rebind.invalid:" + port + "/", TOKEN, true);
    }

    @Test
    void providerCallConnectsToTheAddressThatWasCheckedNotToANewLookup() throws IOException {
        try (StubHttpServer server = new StubHttpServer()) {
            server.answer(200, "{\"messages\":[{\"id\":\"wamid.pinned\"}]}");
            EndpointAddressCheck check = new EndpointAddressCheck(new EndpointUrlGuard(true),
                    scripted(new AtomicInteger(), "127.0.0.1"));
            ProviderAdapters adapters = new ProviderAdapters(
                    List.of(new CloudApiAdapter(ProviderClient.create(TIMEOUT, check))), check);
            Endpoint endpoint = endpointAt(server);

            SendOutcome outcome = adapters.send(endpoint, TOKEN, command, TIMEOUT);

            assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
            assertThat(server.requests()).hasSize(1);
            assertThat(server.requests().get(0).header("Host"))
                    .isEqualTo("api.rebind.invalid:" + endpoint.apiUrl().replaceAll(".*:(\\d+)/$", "$1"));
        }
    }

    @Test
    void answerThatTurnsIntoTheMetadataAddressIsRefusedBeforeTheRequestLeaves() throws IOException {
        try (StubHttpServer server = new StubHttpServer()) {
            server.answer(200, "{\"messages\":[{\"id\":\"wamid.1\"}]}");
            AtomicInteger lookups = new AtomicInteger();
            // First lookup (the routing check) allowed, every later one (the call) the metadata service.
            EndpointAddressCheck check = new EndpointAddressCheck(new EndpointUrlGuard(true),
                    scripted(lookups, "127.0.0.1", "169.254.169.254"));
            ProviderAdapters adapters = new ProviderAdapters(
                    List.of(new CloudApiAdapter(ProviderClient.create(TIMEOUT, check))), check);

            SendOutcome outcome = adapters.send(endpointAt(server), TOKEN, command, TIMEOUT);

            assertThat(lookups.get()).isEqualTo(2);
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Failed.class, f -> {
                assertThat(f.code()).isEqualTo(ProviderCodes.ENDPOINT_URL_REFUSED);
                assertThat(f.certainlyNotSent()).isTrue();
                assertThat(f.reason()).contains("cloud metadata").doesNotContain("169.254").doesNotContain(TOKEN);
            });
            assertThat(server.requests()).isEmpty();
        }
    }
}
