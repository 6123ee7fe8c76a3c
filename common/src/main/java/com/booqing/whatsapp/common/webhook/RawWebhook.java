package com.booqing.whatsapp.common.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A webhook exactly as a provider posted it, after the ingress verified it. The record value is the body's raw
 * bytes (never re-serialised, so a replay sees what the provider signed); the metadata travels in Kafka
 * headers prefixed {@value #HEADER_PREFIX}, and the provider headers that matter under
 * {@value #PROVIDER_HEADER_PREFIX}. Key: {@code tenantId:endpointId}.
 */
public record RawWebhook(
        String requestId,
        String tenantId,
        String endpointId,
        ProviderType provider,
        Instant receivedAt,
        Map<String, String> providerHeaders,
        byte[] body) {

    public static final String HEADER_PREFIX = "wa.";
    public static final String PROVIDER_HEADER_PREFIX = "wa.h.";

    public RawWebhook {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(receivedAt, "receivedAt");
        providerHeaders = providerHeaders == null ? Map.of() : Map.copyOf(providerHeaders);
        Objects.requireNonNull(body, "body");
    }

    public String key() {
        return tenantId + ":" + endpointId;
    }

    public ProducerRecord<String, byte[]> toRecord(String topic) {
        return new ProducerRecord<>(topic, null, receivedAt.toEpochMilli(), key(), body, headers());
    }

    public Headers headers() {
        RecordHeaders h = new RecordHeaders();
        h.add(HEADER_PREFIX + "request-id", utf8(requestId));
        h.add(HEADER_PREFIX + "tenant", utf8(tenantId));
        h.add(HEADER_PREFIX + "endpoint", utf8(endpointId));
        h.add(HEADER_PREFIX + "provider", utf8(provider.wireName()));
        h.add(HEADER_PREFIX + "received-at", utf8(receivedAt.toString()));
        providerHeaders.forEach((k, v) -> h.add(PROVIDER_HEADER_PREFIX + k, utf8(v)));
        return h;
    }

    public static RawWebhook fromRecord(ConsumerRecord<String, byte[]> record) {
        return fromHeaders(record.headers(), record.value());
    }

    /** Rebuilds the webhook from Kafka headers; fails with IllegalArgumentException naming what is missing. */
    public static RawWebhook fromHeaders(Headers headers, byte[] body) {
        Map<String, String> provider = new LinkedHashMap<>();
        for (Header header : headers) {
            if (header.key().startsWith(PROVIDER_HEADER_PREFIX) && header.value() != null) {
                provider.put(header.key().substring(PROVIDER_HEADER_PREFIX.length()),
                        new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return new RawWebhook(
                required(headers, "request-id"),
                required(headers, "tenant"),
                required(headers, "endpoint"),
                ProviderType.fromWire(required(headers, "provider")),
                Instant.parse(required(headers, "received-at")),
                provider,
                body == null ? new byte[0] : body);
    }

    private static String required(Headers headers, String name) {
        Header h = headers.lastHeader(HEADER_PREFIX + name);
        if (h == null || h.value() == null) {
            throw new IllegalArgumentException("raw webhook record lacks header " + HEADER_PREFIX + name);
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
