package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.SendResult;


/**
 * Counts the sender's results per send slot (the slot is read back from the recipient, see {@link LoadTraffic}),
 * read_committed from the topic's end on its own thread, in memory fixed at the start: one byte per slot. A slot
 * with two results is a duplicate; a result for no slot of this run is counted as foreign.
 */
final class ResultTally implements AutoCloseable {
    private final byte[] perSlot;
    private final Topic<String, SendResult> topic;
    private final TopicTail tail;
    // written by the consumer thread only; read through the synchronized snapshot
    private long results;
    private long sent;
    private long failed;
    private long duplicates;
    private long foreign;

    record Counts(long results, long distinct, long sent, long failed, long duplicates, long foreign) {
    }

    ResultTally(String bootstrapServers, Topic<String, SendResult> topic, long slots) {
        this.topic = topic;
        this.perSlot = new byte[(int) slots];
        // from the end as of now, before the first send
        this.tail = new TopicTail(bootstrapServers, topic.name(), topic.partitions(), "load-results",
                (value, nanos) -> count(value));
    }

    private synchronized void count(byte[] value) {
        SendResult result;
        try {
            result = topic.valueSerde().deserializer().deserialize(topic.name(), value);
        } catch (RuntimeException bad) {
            foreign++;
            return;
        }
        long slot = LoadTraffic.slotOfRecipient(result.to());
        if (slot < 0 || slot >= perSlot.length) {
            foreign++;
            return;
        }
        results++;
        if (perSlot[(int) slot] > 0) {
            duplicates++;
        }
        if (perSlot[(int) slot] < Byte.MAX_VALUE) {
            perSlot[(int) slot]++;
        }
        if (result.outcome() == SendResult.Outcome.SENT) {
            sent++;
        } else {
            failed++;
        }
    }

    synchronized Counts counts() {
        return new Counts(results, results - duplicates, sent, failed, duplicates, foreign);
    }

    synchronized int resultsFor(long slot) {
        return slot < perSlot.length ? perSlot[(int) slot] : 0;
    }

    @Override
    public void close() {
        tail.close();
    }
}
