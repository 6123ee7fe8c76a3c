package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-keys by tenant what the aggregates learn from other topics, for the repartition topic: device events from
 * the events topic, and configuration, endpoint and device records that someone other than the aggregate wrote
 * to the compacted topics (the devstack seed, tests, an operator's tool). The aggregate's own records carry the
 * {@link Writer} header and are skipped, as are tombstones (their key names no tenant) and anything unreadable.
 */
final class ForeignInputs implements Processor<String, byte[], String, TenantInput> {
    private static final Logger log = LoggerFactory.getLogger(ForeignInputs.class);

    private final Topics topics;
    private final MeterRegistry meters;
    private ProcessorContext<String, TenantInput> context;

    ForeignInputs(Topics topics, MeterRegistry meters) {
        this.topics = topics;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<String, TenantInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        if (topic.equals(topics.events().name())) {
            deviceEvent(record);
        } else if (Writer.wrote(record.headers())) {
            return;
        } else if (topic.equals(topics.tenantConfig().name())) {
            TenantConfiguration c = decode(topics.tenantConfig(), record);
            if (c != null && c.tenantId().equals(record.key())) {
                adopt(record, c.tenantId(), new TenantInput.SeededConfig(c));
            }
        } else if (topic.equals(topics.endpoints().name())) {
            Endpoint e = decode(topics.endpoints(), record);
            if (e != null && e.id().equals(record.key())) {
                adopt(record, e.tenantId(), new TenantInput.SeededEndpoint(e));
            }
        } else if (topic.equals(topics.devices().name())) {
            Device d = decode(topics.devices(), record);
            if (d != null && d.id().equals(record.key())) {
                adopt(record, d.tenantId(), new TenantInput.SeededDevice(d));
            }
        }
    }

    private void deviceEvent(Record<String, byte[]> record) {
        String type = Writer.header(record.headers(), Writer.EVENT_TYPE);
        if (type != null && !type.equals("device.status")) {
            return; // most of the topic: messages and receipts, skipped without being read
        }
        Envelope envelope = decode(topics.events(), record);
        if (envelope == null || !(envelope.payload() instanceof DeviceEvent e)) {
            return;
        }
        String tenant = envelope.tenantId();
        if (!Ids.isValidTenantId(tenant) || (e.tenantId() != null && !e.tenantId().equals(tenant))) {
            meters.counter("whatsapp.management.inputs", "kind", "device-event", "outcome", "bad-tenant").increment();
            return;
        }
        context.forward(new Record<>(tenant, new TenantInput.DeviceReport(e, envelope.eventId()), record.timestamp()));
    }

    private void adopt(Record<String, byte[]> record, String tenant, TenantInput input) {
        if (!Ids.isValidTenantId(tenant)) {
            return;
        }
        meters.counter("whatsapp.management.inputs", "kind", "seed", "outcome", "adopted").increment();
        context.forward(new Record<>(tenant, input, record.timestamp()));
    }

    @SuppressWarnings("unchecked")
    private <V> V decode(Topic<String, V> topic, Record<String, byte[]> record) {
        Decoded<V> d = ((JsonSerde<V>) topic.valueSerde()).decode(record.value());
        if (d instanceof Decoded.Ok<V> ok) {
            return ok.value();
        }
        if (!topic.name().equals(topics.events().name())) {
            log.warn("not adopting an unreadable record of {}: {}", topic.name(), ((Decoded.Bad<V>) d).reason());
        }
        return null;
    }
}
