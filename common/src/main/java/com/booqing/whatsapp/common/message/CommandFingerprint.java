package com.booqing.whatsapp.common.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that tells "the same command again" from "the same key for another command": SHA-256 over a canonical
 * JSON of what the command asks for (tenant, recipient in E.164, device, endpoint, content). Ids and times the
 * caller may regenerate on a retry (message id, requestedAt, notAfter) are left out. The sender stores it with its
 * idempotency record; the ingress computes it the same way to refuse a reused key early.
 */
public final class CommandFingerprint {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private CommandFingerprint() {
    }

    public static String of(String tenantId, String e164, String deviceId, String endpointId, MessageContent message) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(new Body(tenantId, e164, deviceId, endpointId, message));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("command body cannot be hashed", e);
        }
    }

    private record Body(String tenantId, String to, String deviceId, String endpointId, MessageContent message) {
    }
}
