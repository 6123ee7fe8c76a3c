package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.time.Duration;
import java.util.Map;

/**
 * The tool's Kafka clients. Readers are assigned partitions and never join a consumer group, so the tool takes
 * nothing away from the services it runs beside; writers are the services' durable producer (acks=all,
 * idempotent). Every call is bounded: a broker that does not answer is reported, not waited for.
 */
public final class KafkaAccess {
    public static final Duration API_TIMEOUT = Duration.ofSeconds(15);

    private KafkaAccess() {
    }

    public static KafkaConsumer<byte[], byte[]> reader(OpsSettings settings, String purpose) {
        Map<String, Object> c = KafkaClients.committedReader(settings.bootstrapServers(), null, "whatsapp-ops-" + purpose);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        return new KafkaConsumer<>(c);
    }

    public static KafkaProducer<byte[], byte[]> writer(OpsSettings settings, String purpose) {
        return new KafkaProducer<>(KafkaClients.durableProducer(settings.bootstrapServers(), "whatsapp-ops-" + purpose,
                API_TIMEOUT, Duration.ofSeconds(60)));
    }

    public static Admin admin(OpsSettings settings) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "whatsapp-ops",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis()));
    }
}
