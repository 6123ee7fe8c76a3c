package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.common.webhook.RawWebhook;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/**
 * The tenant of a record of the raw-webhook, send-command or dead-letter topics: the {@code wa.tenant} header the
 * ingress writes, else the key's first segment (raw webhooks are keyed {@code tenantId:endpointId}, send commands
 * {@code tenantId:recipient}; dead letters keep their source's key and headers).
 */
public final class RecordTenants {
    static final String TENANT_HEADER = RawWebhook.HEADER_PREFIX + "tenant";

    private RecordTenants() {
    }

    public static String of(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(TENANT_HEADER);
        if (h != null && h.value() != null && h.value().length > 0) {
            return new String(h.value(), StandardCharsets.UTF_8);
        }
        if (record.key() == null) {
            return null;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        int colon = key.indexOf(':');
        return colon > 0 ? key.substring(0, colon) : key;
    }
}
