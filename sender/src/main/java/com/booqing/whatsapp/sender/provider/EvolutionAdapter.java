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
 * Evolution API v2: {@code POST {apiUrl}/message/{action}/{instance}} with the {@code apikey} header
 * (reference §3.3). The instance is {@link Endpoint#instanceName()}; the answer (201) is the sent message, whose
 * {@code key.id} is the provider's message id.
 */
public final class EvolutionAdapter implements ProviderAdapter {
    private final ProviderHttp http;
    private final ObjectMapper mapper = Json.lenient();
    private final EvolutionMessages messages = new EvolutionMessages(mapper);
    private final EvolutionErrors errors = new EvolutionErrors(mapper);

    public EvolutionAdapter(ProviderClient client) {
        this.http = new ProviderHttp(client);
    }

    @Override
    public ProviderType provider() {
        return ProviderType.EVOLUTION;
    }

    @Override
    public Set<String> capabilities() {
        return EvolutionMessages.KINDS;
    }

    @Override
    public String unsupportedReason(String kind) {
        return EvolutionMessages.UNSUPPORTED.getOrDefault(kind, "it is a kind WhatsApp users send, not businesses");
    }

    @Override
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        if (secretApiKey == null) {
            return SendOutcome.Failed.endpointRejected(ProviderCodes.SECRET_UNAVAILABLE,
                    "Evolution API needs an apikey and the endpoint has none");
        }
        EvolutionMessages.Request call;
        byte[] body;
        try {
            call = messages.request(command);
            body = mapper.writeValueAsBytes(call.body());
        } catch (InvalidContentException | IOException e) {
            return ProviderHttp.unencodable(e);
        }
        URI uri;
        try {
            uri = ProviderHttp.uri(endpoint, "/message/" + call.action() + "/"
                    + ProviderHttp.segment(endpoint.instanceName(), "instanceName"));
        } catch (IllegalArgumentException e) {
            return ProviderHttp.misconfigured(e);
        }
        return http.sendJson("POST", uri, body, "apikey", secretApiKey, timeout,
                answer -> new SendOutcome.Sent(messageId(answer.body())), errors::classify);
    }

    private String messageId(byte[] body) {
        try {
            JsonNode id = mapper.readTree(body).path("key").path("id");
            return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
