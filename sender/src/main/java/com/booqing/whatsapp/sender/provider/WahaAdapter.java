package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.SendCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * WAHA (devlikeapro/waha): {@code POST {apiUrl}/api/send...} with the session in the body and {@code X-Api-Key}
 * when the endpoint has a key (reference §2.3). The session is {@link Endpoint#sessionName()}, "default" when
 * unset, the only session WAHA Core runs.
 */
public final class WahaAdapter implements ProviderAdapter {
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ProviderHttp http;
    private final ObjectMapper mapper = Json.lenient();
    private final WahaMessages messages = new WahaMessages(mapper);
    private final WahaErrors errors = new WahaErrors(mapper);

    public WahaAdapter(ProviderClient client) {
        this.http = new ProviderHttp(client);
    }

    @Override
    public ProviderType provider() {
        return ProviderType.WAHA;
    }

    @Override
    public Set<String> capabilities() {
        return WahaMessages.KINDS;
    }

    @Override
    public String unsupportedReason(String kind) {
        return WahaMessages.UNSUPPORTED.getOrDefault(kind, "it is a kind WhatsApp users send, not businesses");
    }

    @Override
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        String session = endpoint.sessionName() == null || endpoint.sessionName().isBlank()
                ? WahaMessages.DEFAULT_SESSION : endpoint.sessionName();
        if (!SESSION.matcher(session).matches()) {
            return SendOutcome.Failed.endpointRejected(ProviderCodes.ENDPOINT_MISCONFIGURED,
                    "endpoint sessionName must be 1-64 letters, digits, '_' or '-'");
        }
        WahaMessages.Request call;
        byte[] body;
        try {
            call = messages.request(command, session);
            body = mapper.writeValueAsBytes(call.body());
        } catch (InvalidContentException | IOException e) {
            return ProviderHttp.unencodable(e);
        }
        URI uri;
        try {
            uri = ProviderHttp.uri(endpoint, call.path());
        } catch (IllegalArgumentException e) {
            return ProviderHttp.misconfigured(e);
        }
        return http.sendJson(call.method(), uri, body, "X-Api-Key", secretApiKey, timeout,
                answer -> new SendOutcome.Sent(messageId(answer.body())), errors::classify);
    }

    /**
     * The bare message id of the answer's WAMessage, the provider message id the gateway records. WAHA answers
     * with a serialized id ("true_31612345678@c.us_3EB0...") or, with some engines, an object carrying the bare
     * {@code id} and {@code _serialized}. The bare id is what the processor reads from {@code message.ack}
     * receipts in every engine and chat addressing (processor INBOUND.md, "Provider message ids"), so a receipt
     * finds the message through it. A reaction's answer has none; WAHA accepted it all the same.
     */
    private String messageId(byte[] body) {
        try {
            JsonNode id = mapper.readTree(body).path("id");
            if (id.isTextual() && !id.asText().isBlank()) {
                return WahaIds.bare(id.asText());
            }
            JsonNode bare = id.path("id");
            if (bare.isTextual() && !bare.asText().isBlank()) {
                return bare.asText();
            }
            JsonNode serialized = id.path("_serialized");
            return serialized.isTextual() && !serialized.asText().isBlank() ? WahaIds.bare(serialized.asText()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
