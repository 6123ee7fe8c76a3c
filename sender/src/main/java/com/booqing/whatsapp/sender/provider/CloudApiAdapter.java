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

/**
 * Meta WhatsApp Cloud API: {@code POST {apiUrl}/{apiVersion}/{phoneNumberId}/messages} with the access token as
 * a Bearer token (reference §1.3). Redirects are not followed: a token must never be replayed to another host.
 */
public final class CloudApiAdapter implements ProviderAdapter {
    static final int MAX_RESPONSE_BYTES = ProviderHttp.MAX_RESPONSE_BYTES;

    private final ProviderHttp http;
    private final ObjectMapper mapper = Json.lenient();
    private final CloudApiMessages messages = new CloudApiMessages(mapper);
    private final GraphErrors errors = new GraphErrors(mapper);

    public CloudApiAdapter(ProviderClient client) {
        this.http = new ProviderHttp(client);
    }

    /** A client that calls URLs as written, without the address check: for tests against a local server. */
    public static ProviderClient httpClient(Duration connectTimeout) {
        return ProviderClient.create(connectTimeout);
    }

    @Override
    public ProviderType provider() {
        return ProviderType.CLOUD_API;
    }

    @Override
    public Set<String> capabilities() {
        return CloudApiMessages.KINDS;
    }

    @Override
    public String unsupportedReason(String kind) {
        return "it is a kind WhatsApp users send, not businesses";
    }

    @Override
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        if (secretApiKey == null) {
            return SendOutcome.Failed.endpointRejected(ProviderCodes.SECRET_UNAVAILABLE,
                    "the Cloud API needs an access token and the endpoint has none");
        }
        URI uri;
        try {
            uri = messagesUri(endpoint);
        } catch (IllegalArgumentException e) {
            return ProviderHttp.misconfigured(e);
        }
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(messages.body(command));
        } catch (InvalidContentException | IOException e) {
            return ProviderHttp.unencodable(e);
        }
        return http.sendJson("POST", uri, body, "Authorization", "Bearer " + secretApiKey, timeout, answer -> {
            String id = messageId(answer.body());
            return id != null ? new SendOutcome.Sent(id)
                    : new SendOutcome.Ambiguous("HTTP " + answer.status() + " without a message id");
        }, errors::classify);
    }

    private String messageId(byte[] body) {
        try {
            JsonNode id = mapper.readTree(body).path("messages").path(0).path("id");
            return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static URI messagesUri(Endpoint endpoint) {
        return ProviderHttp.uri(endpoint, "/" + ProviderHttp.segment(endpoint.apiVersion(), "apiVersion") + "/"
                + ProviderHttp.segment(endpoint.phoneNumberId(), "phoneNumberId") + "/messages");
    }
}
