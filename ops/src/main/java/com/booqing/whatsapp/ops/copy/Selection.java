package com.booqing.whatsapp.ops.copy;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What happens to one record read from the source: copied as the given record, or skipped for a reason. */
public sealed interface Selection {

    record Copy(ProducerRecord<byte[], byte[]> record) implements Selection {
    }

    /** @param reason a short phrase for the summary ("another tenant", "outside the time range") */
    record Skip(String reason) implements Selection {
    }

    /** Decides for each record of the plan. */
    @FunctionalInterface
    interface Selector {
        Selection select(ConsumerRecord<byte[], byte[]> record);
    }
}
