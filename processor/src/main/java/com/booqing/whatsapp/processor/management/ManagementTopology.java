package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * The management topology: one aggregate per tenant, the single writer of the tenant's configuration,
 * endpoints, devices and API keys. Built by a pure function of its configuration, so TopologyTestDriver tests
 * what production runs. See MANAGEMENT.md.
 *
 * <pre>
 *   management.commands (key tenant) ───────────────────────────────────────────┐
 *   events (device.status only) ──┐                                              ├─▶ aggregate [store management-tenants]
 *   config, endpoints, devices    ├─▶ re-key by tenant ─▶ management-inputs      │      ├─▶ config / endpoints / devices / apikeys
 *     (records others wrote) ─────┘        (repartition, as many partitions  ───┘      ├─▶ events (config.changed, key tenant)
 *                                            as the commands topic)                     └─▶ management.outcomes (key command id)
 * </pre>
 */
public final class ManagementTopology {
    public static final String STORE = "management-tenants";
    public static final String REPARTITION = "management-inputs";

    private ManagementTopology() {
    }

    public static Topology build(Topics topics, ManagementSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(storeBuilder());

        KStream<String, TenantInput> commands = builder
                .stream(topics.managementCommands().name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("management-commands"))
                .mapValues(raw -> (TenantInput) new TenantInput.Command(raw), Named.as("as-command"));

        KStream<String, TenantInput> foreign = builder
                .stream(List.of(topics.events().name(), topics.tenantConfig().name(), topics.endpoints().name(),
                                topics.devices().name()),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("foreign-inputs"))
                .process(() -> new ForeignInputs(topics, settings.meters()), Named.as("by-tenant"))
                .repartition(Repartitioned.with(Serdes.String(), lenient(TenantInput.class))
                        .withName(REPARTITION)
                        .withNumberOfPartitions(topics.managementCommands().partitions()));

        commands.merge(foreign, Named.as("tenant-inputs"))
                .process(() -> new TenantAggregate(topics, settings), Named.as("aggregate"), STORE)
                .to((key, output, context) -> output.topic(),
                        Produced.with(Serdes.String(), Output.serde()).withName("management-writes"));
        return builder.build();
    }

    static StoreBuilder<KeyValueStore<String, TenantState>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                lenient(TenantState.class));
    }

    /** State and inputs written by an older or newer version of this code must still be read. */
    private static <T> JsonSerde<T> lenient(Class<T> type) {
        return new JsonSerde<>(type, Json.lenient());
    }
}
