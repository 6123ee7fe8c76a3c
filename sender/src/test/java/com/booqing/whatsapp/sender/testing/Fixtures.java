package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.sender.provider.EndpointAddressCheck;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

/** Endpoints and commands for tests. */
public final class Fixtures {
    public static final String TENANT = "acme";
    /** A valid Dutch mobile number. */
    public static final String RECIPIENT = "+31612345678";

    private Fixtures() {
    }

    public static SecretBox secretBox() {
        return new SecretBox(Map.of("test", Canaries.key("sender encryption key")));
    }

    public static Endpoint cloudEndpoint(SecretBox box, String id, String apiUrl, String token, boolean primary) {
        return endpoint(box, id, TENANT, ProviderType.CLOUD_API, apiUrl, token, true, primary, Instant.parse("2025-01-01T00:00:00Z"));
    }

    public static Endpoint endpoint(SecretBox box, String id, String tenant, ProviderType provider, String apiUrl,
                                    String token, boolean active, boolean primary, Instant createdAt) {
        return new Endpoint(id, tenant, id, provider, apiUrl, "v23.0", "1234567890", null, null,
                token == null ? null : box.seal(token, Endpoint.secretContext(tenant, id, "apiKey")),
                null, null, active, primary, 1, createdAt, createdAt);
    }

    public static SendCommand command(String to, MessageContent content) {
        return new SendCommand(null, TENANT, null, null, to, content, "idem-" + System.nanoTime(), null,
                Instant.parse("2025-06-01T12:00:00Z"));
    }

    public static SendCommand text(String to, String body) {
        return command(to, new MessageContent.Text(body, null));
    }

    /**
     * The endpoint-URL check without DNS: IP literals stand for themselves, every name resolves to one public
     * address, so tests with made-up hosts neither wait for nor depend on a name server.
     */
    public static EndpointAddressCheck addressCheck(boolean allowPrivate) {
        return new EndpointAddressCheck(new EndpointUrlGuard(allowPrivate), host -> {
            if (host.startsWith("[") || host.matches("[0-9.]+")) {
                return InetAddress.getAllByName(host);
            }
            return new InetAddress[]{InetAddress.getByAddress(host, new byte[]{93, (byte) 184, (byte) 216, 34})};
        });
    }
}
