package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The single writer of a tenant's configuration, endpoints, devices and API keys. Each input is applied to the
 * tenant's {@link TenantState} from the {@value ManagementTopology#STORE} store; the new state and everything
 * it writes (compacted-topic records, the audit event, the command's outcome) commit in one transaction
 * (exactly-once), so a crash never leaves a state without its records or an outcome without its state.
 */
final class TenantAggregate implements Processor<String, TenantInput, String, Output> {
    static final String SOURCE = "processor.management";
    private static final Logger log = LoggerFactory.getLogger(TenantAggregate.class);

    private final Topics topics;
    private final ManagementSettings settings;
    private final MeterRegistry meters;
    private final JsonSerde<ManagementCommand> commands;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, TenantState> store;
    private CommandHandler handler;

    TenantAggregate(Topics topics, ManagementSettings settings) {
        this.topics = topics;
        this.settings = settings;
        this.meters = settings.meters();
        this.commands = serde(topics.managementCommands());
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.store = context.getStateStore(ManagementTopology.STORE);
        this.handler = new CommandHandler(settings);
    }

    @Override
    public void process(Record<String, TenantInput> record) {
        String tenant = record.key();
        if (tenant == null || record.value() == null) {
            return;
        }
        TenantState stored = store.get(tenant);
        TenantState state = stored != null ? stored : TenantState.empty(tenant);
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        TenantInput input = record.value();
        if (input instanceof TenantInput.Command c) {
            command(record, state, c.raw(), now);
        } else if (input instanceof TenantInput.DeviceReport r) {
            DeviceEventFolder.Folded f = DeviceEventFolder.fold(state, r.event(), now);
            meters.counter("whatsapp.management.device_events", "outcome",
                    f.ignored() == null ? "applied" : "ignored").increment();
            if (f.state() != state) {
                store.put(tenant, f.state());
            }
            for (Device d : f.changed()) {
                write(record, new Change.DevicePut(d));
            }
        } else if (input instanceof TenantInput.SeededConfig s) {
            store.put(tenant, state.withConfig(s.config()));
        } else if (input instanceof TenantInput.SeededEndpoint s) {
            store.put(tenant, state.withEndpoint(s.endpoint()));
        } else if (input instanceof TenantInput.SeededDevice s) {
            store.put(tenant, state.withDevice(s.device()));
        }
    }

    private void command(Record<String, TenantInput> record, TenantState state, byte[] raw, Instant now) {
        Decoded<ManagementCommand> decoded = commands.decode(raw);
        if (decoded instanceof Decoded.Bad<ManagementCommand> bad) {
            unreadable(record, raw, bad.reason(), now);
            return;
        }
        ManagementCommand c = ((Decoded.Ok<ManagementCommand>) decoded).value();
        if (!c.tenantId().equals(record.key())) {
            answer(record, refusal(c, 400, Codes.INVALID_COMMAND, "the command's tenantId is not its record key",
                    now));
            count("rejected", Codes.INVALID_COMMAND);
            return;
        }
        if (state.remembers(c.commandId())) {
            // Delivered again (a producer retry, a replay): it was applied and answered the first time.
            count("repeat", "none");
            return;
        }
        Decision d;
        try {
            d = handler.handle(state, c, now);
        } catch (RuntimeException e) {
            // A bug must not stall the tenant's commands; the state is left as it was.
            log.error("command {} ({}) of tenant {} failed", c.commandId(), c.action().getClass().getSimpleName(),
                    c.tenantId(), e);
            answer(record, refusal(c, 500, Codes.INTERNAL_ERROR, "the command could not be applied", now));
            count("failed", Codes.INTERNAL_ERROR);
            return;
        }
        TenantState next = d.state();
        if (!next.knowsNothing()) {
            // A tenant that does not exist keeps no state, not even the ids of its refused commands.
            store.put(c.tenantId(), next.remembering(c.commandId(), settings.recentCommands()));
        }
        for (Change change : d.changes()) {
            write(record, change);
        }
        if (d.event() != null) {
            event(record, c, d.event(), now);
        }
        answer(record, d.outcome());
        count(d.applied() ? "applied" : "rejected", d.outcome().code());
        if (!d.applied()) {
            log.info("command {} of tenant {} refused: {} {}", c.commandId(), c.tenantId(), d.outcome().httpStatus(),
                    d.outcome().code());
        }
    }

    private void unreadable(Record<String, TenantInput> record, byte[] raw, String reason, Instant now) {
        count("unreadable", Codes.INVALID_COMMAND);
        String commandId = commandIdOf(raw);
        log.warn("unreadable management command {} of tenant {}: {}", commandId, record.key(), reason);
        if (commandId != null) {
            answer(record, new CommandOutcome(commandId, record.key(), CommandOutcome.Status.REJECTED, 400,
                    Codes.INVALID_COMMAND, "the command is not a readable management command", null, null, null,
                    now));
        }
    }

    /** One counter, always with the same tag keys (Prometheus wants them equal across a meter's series). */
    private void count(String outcome, String code) {
        meters.counter("whatsapp.management.commands", "outcome", outcome, "code", code).increment();
    }

    /** The commandId of a command that did not decode, when it has a usable one. */
    private static String commandIdOf(byte[] raw) {
        try {
            JsonNode id = Json.lenient().readTree(raw).path("commandId");
            return id.isTextual() && id.asText().matches("[A-Za-z0-9_-]{1,100}") ? id.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static CommandOutcome refusal(ManagementCommand c, int status, String code, String message, Instant now) {
        return CommandHandler.rejected(c, new Rejection(status, code, message, null), now);
    }

    private void write(Record<String, TenantInput> in, Change change) {
        if (change instanceof Change.ConfigPut p) {
            put(in, topics.tenantConfig(), p.config().tenantId(), p.config());
        } else if (change instanceof Change.EndpointPut p) {
            put(in, topics.endpoints(), p.endpoint().id(), p.endpoint());
        } else if (change instanceof Change.EndpointRemoved r) {
            forward(in, topics.endpoints().name(), r.endpointId(), null, Writer.headers());
        } else if (change instanceof Change.DevicePut p) {
            put(in, topics.devices(), p.device().id(), p.device());
        } else if (change instanceof Change.DeviceRemoved r) {
            forward(in, topics.devices().name(), r.deviceId(), null, Writer.headers());
        } else if (change instanceof Change.ApiKeyPut p) {
            put(in, topics.apiKeys(), p.key().keyId(), p.key());
        }
    }

    private void event(Record<String, TenantInput> in, ManagementCommand c, ConfigurationChanged payload,
                       Instant now) {
        Envelope e = new Envelope(EventIds.eventId(c.tenantId(), "management", c.commandId()), c.tenantId(), now,
                SOURCE, payload);
        forward(in, topics.events().name(), c.tenantId(), serde(topics.events()).encode(e),
                Writer.eventHeaders(payload.type()));
    }

    private void answer(Record<String, TenantInput> in, CommandOutcome outcome) {
        forward(in, topics.managementOutcomes().name(), outcome.commandId(),
                serde(topics.managementOutcomes()).encode(outcome), Writer.headers());
    }

    private <V> void put(Record<String, TenantInput> in, Topic<String, V> topic, String key, V value) {
        forward(in, topic.name(), key, serde(topic).encode(value), Writer.headers());
    }

    private void forward(Record<String, TenantInput> in, String topic, String key, byte[] value, Headers headers) {
        context.forward(new Record<>(key, new Output(topic, value), in.timestamp(), headers));
    }

    @SuppressWarnings("unchecked")
    private static <V> JsonSerde<V> serde(Topic<String, V> topic) {
        return (JsonSerde<V>) topic.valueSerde();
    }
}
