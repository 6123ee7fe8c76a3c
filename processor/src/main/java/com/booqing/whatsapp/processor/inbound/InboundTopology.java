package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.processor.dedup.EventDeduplicator;
import com.booqing.whatsapp.processor.identity.LidDirectory;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The processor's Kafka Streams topology, built by a pure function of its configuration so that tests drive
 * exactly what production runs.
 *
 * <pre>
 *   webhooks.raw ──▶ normalise (parse by provider ─▶ record LID links, fill in phones [store lid-phone]
 *                               ─▶ dedup by event id [store event-dedup]) ─┬─▶ events (key tenant:conversation address)
 *                                                                          └─▶ webhooks.dlq (original bytes + headers + dlq.*)
 * </pre>
 */
public final class InboundTopology {
    public static final String SOURCE = "webhooks-raw";
    public static final String NORMALISE = "normalise";
    public static final String EVENTS_SINK = "events";
    public static final String DEAD_LETTER_SINK = "dead-letter";

    private InboundTopology() {
    }

    public static Topology build(Topics topics, InboundSettings settings) {
        Serializer<Envelope> envelopes = topics.events().valueSerde().serializer();
        Topology topology = new Topology();
        topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), topics.webhooksRaw().name());
        topology.addProcessor(NORMALISE, () -> new WebhookNormaliser(settings, EVENTS_SINK, DEAD_LETTER_SINK), SOURCE);
        topology.addStateStore(EventDeduplicator.storeBuilder(), NORMALISE);
        topology.addStateStore(LidDirectory.storeBuilder(), NORMALISE);
        topology.addSink(EVENTS_SINK, topics.events().name(), new StringSerializer(), envelopes, NORMALISE);
        topology.addSink(DEAD_LETTER_SINK, topics.webhooksDeadLetter().name(), new StringSerializer(),
                new ByteArraySerializer(), NORMALISE);
        return topology;
    }
}
