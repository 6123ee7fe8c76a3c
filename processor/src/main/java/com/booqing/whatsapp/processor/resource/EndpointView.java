package com.booqing.whatsapp.processor.resource;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.crypto.SecretMask;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * An endpoint as the API shows it: its fields, each secret replaced by its {@link SecretMask} (left out when not
 * set), and the {@code webhookUrl} an operator pastes into the provider (derived from WHATSAPP_WEBHOOK_BASE_URL). The same view is the {@code resource} of
 * a command outcome and the value of {@code whatsapp:endpoint:{id}} in Redis, so a read after a write shows what
 * the write answered. Secrets are opened only to compute their masks, and never leave this class in clear.
 */
public final class EndpointView {
    public static final List<String> SECRET_FIELDS = List.of("apiKey", "webhookSecret", "verifyToken");
    private static final Logger log = LoggerFactory.getLogger(EndpointView.class);
    private static final ObjectMapper MAPPER = Json.strict();

    private final SecretBox secrets;
    private final BiFunction<String, String, String> webhookUrls;

    /** @param webhookUrls (tenantId, endpointId) -> the endpoint's webhook URL */
    public EndpointView(SecretBox secrets, BiFunction<String, String, String> webhookUrls) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.webhookUrls = Objects.requireNonNull(webhookUrls, "webhookUrls");
    }

    public static EndpointView of(SecretBox secrets, GatewayConfig gateway) {
        return new EndpointView(secrets, gateway::webhookUrl);
    }

    /**
     * Field by field, in the order of the ingress's {@code ResourceViews.endpoint}: a field added to
     * {@link Endpoint} later is not shown until it is added here, so a new secret cannot slip out.
     */
    public ObjectNode json(Endpoint e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("tenantId", e.tenantId());
        putIfPresent(n, "name", e.name());
        n.put("provider", e.provider().wireName());
        n.put("apiUrl", e.apiUrl());
        putIfPresent(n, "apiVersion", e.apiVersion());
        putIfPresent(n, "phoneNumberId", e.phoneNumberId());
        putIfPresent(n, "sessionName", e.sessionName());
        putIfPresent(n, "instanceName", e.instanceName());
        n.put("webhookUrl", webhookUrls.apply(e.tenantId(), e.id()));
        for (String field : SECRET_FIELDS) {
            Sealed sealed = secret(e, field);
            if (sealed != null) {
                n.put(field, mask(e, field, sealed));
            }
        }
        n.put("isActive", e.isActive());
        n.put("isPrimary", e.isPrimary());
        n.put("weight", e.weight());
        putIfPresent(n, "createdAt", e.createdAt() == null ? null : e.createdAt().toString());
        putIfPresent(n, "updatedAt", e.updatedAt() == null ? null : e.updatedAt().toString());
        return n;
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    public String jsonString(Endpoint endpoint) {
        return json(endpoint).toString();
    }

    private String mask(Endpoint endpoint, String field, Sealed sealed) {
        try {
            return SecretMask.of(secrets.openString(sealed, Endpoint.secretContext(endpoint.tenantId(),
                    endpoint.id(), field)));
        } catch (SecretBox.SealedSecretException e) {
            // A key that was rotated out, or a ciphertext from elsewhere: still say that a secret is set.
            log.warn("{} of endpoint {} cannot be opened ({}); shown fully masked", field, endpoint.id(),
                    e.getMessage());
            return SecretMask.HIDDEN;
        }
    }

    static Sealed secret(Endpoint e, String field) {
        return switch (field) {
            case "apiKey" -> e.apiKey();
            case "webhookSecret" -> e.webhookSecret();
            case "verifyToken" -> e.verifyToken();
            default -> throw new IllegalArgumentException("not a secret field: " + field);
        };
    }
}
