package com.booqing.whatsapp.processor.management;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One record the aggregate writes: its topic and its value, already encoded (null for a tombstone). The
 * topology's single sink picks the topic from it, so the aggregate's writes of one command leave in one
 * transaction, in the order it made them.
 */
record Output(String topic, byte[] value) {

    static Serde<Output> serde() {
        return Serdes.serdeFrom((topic, o) -> o == null ? null : o.value(), (topic, bytes) -> {
            throw new UnsupportedOperationException("outputs are only written");
        });
    }
}
