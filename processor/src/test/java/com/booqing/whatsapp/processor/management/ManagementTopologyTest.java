package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.management.ManagementCommand.Action;
import com.booqing.whatsapp.common.management.ManagementCommand.CreateDevice;
import com.booqing.whatsapp.common.management.ManagementCommand.CreateEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.DeleteDevice;
import com.booqing.whatsapp.common.management.ManagementCommand.DeleteEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.EndpointPatch;
import com.booqing.whatsapp.common.management.ManagementCommand.InitTenant;
import com.booqing.whatsapp.common.management.ManagementCommand.IssueApiKey;
import com.booqing.whatsapp.common.management.ManagementCommand.RevokeApiKey;
import com.booqing.whatsapp.common.management.ManagementCommand.TenantConfigPatch;
import com.booqing.whatsapp.common.management.ManagementCommand.UpdateEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.UpdateTenant;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.processor.config.StreamsSettings;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the production management topology, with the production Streams settings, through TopologyTestDriver. */
class ManagementTopologyTest {
    private static final Instant START = Instant.parse("2025-06-09T10:00:00Z");
    private static final String T = "acme";
    private static final String OTHER = "globex";
    private static final String ACCESS_TOKEN = "EAAGm0PX4ZCpsBAKZCv3qS1xyzw";
    private static final String APP_SECRET = "8d2e4b0c6f1a9e7d5c3b";
    private static final String VERIFY_TOKEN = "verify-me-please-42";
    private static final String WAHA_KEY = "waha-api-key-0123456789";
    private static final String HMAC_KEY = "waha-hmac-key-abcdef";

    private final Topics topics = Topics.withPrefix("m.", 1);
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ManagementCommand> commands;
    private TestInputTopic<String, Envelope> eventsIn;
    private final Map<String, CommandOutcome> outcomes = new LinkedHashMap<>();
    private final List<TestRecord<String, CommandOutcome>> outcomeRecords = new ArrayList<>();
    private TestOutputTopic<String, CommandOutcome> outcomesOut;
    private TestOutputTopic<String, TenantConfiguration> configOut;
    private TestOutputTopic<String, Endpoint> endpointsOut;
    private TestOutputTopic<String, Device> devicesOut;
    private TestOutputTopic<String, ApiKey> apiKeysOut;
    private TestOutputTopic<String, Envelope> eventsOut;
    private int commandCount;

    @BeforeEach
    void start() {
        driver = new TopologyTestDriver(
                ManagementTopology.build(topics, ManagementSettings.of(TestSecrets.gateway(), TestSecrets.BOX)),
                StreamsSettings.managementProperties("management-test", "dummy:9092", stateDir, 1), START);
        commands = input(topics.managementCommands());
        eventsIn = input(topics.events());
        outcomesOut = output(topics.managementOutcomes());
        configOut = output(topics.tenantConfig());
        endpointsOut = output(topics.endpoints());
        devicesOut = output(topics.devices());
        apiKeysOut = output(topics.apiKeys());
        eventsOut = output(topics.events());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    // --- the rules ---

    @Test
    void initialiseTenantThenAddTwoEndpointsFirstBecomesPrimary() {
        CommandOutcome init = apply(T, new InitTenant(null));
        assertThat(init.status()).isEqualTo(CommandOutcome.Status.APPLIED);
        assertThat(init.httpStatus()).isEqualTo(201);
        assertThat(init.resource().get("tenantId").asText()).isEqualTo(T);
        assertThat(init.resource().get("reconnectInterval").asInt()).isEqualTo(30);
        assertThat(latest(configOut).get(T).primaryEndpointId()).isNull();

        CommandOutcome first = apply(T, new CreateEndpoint(cloud(T, "ep_a", false)));
        assertThat(first.httpStatus()).isEqualTo(201);
        assertThat(first.code()).isEqualTo("applied");
        assertThat(first.subjectId()).isEqualTo("ep_a");
        assertThat(first.detail()).isEqualTo("ep_a is primary (the tenant had no primary endpoint)");
        assertThat(first.resource().get("isPrimary").asBoolean()).isTrue();
        assertThat(first.resource().get("webhookUrl").asText())
                .isEqualTo(TestSecrets.WEBHOOK_BASE + "/api/whatsapp/webhook/acme/ep_a");

        CommandOutcome second = apply(T, new CreateEndpoint(waha(T, "ep_b", false)));
        assertThat(second.httpStatus()).isEqualTo(201);
        assertThat(second.detail()).isNull();
        assertThat(second.resource().get("isPrimary").asBoolean()).isFalse();

        Map<String, Endpoint> endpoints = latest(endpointsOut);
        assertThat(endpoints.get("ep_a").isPrimary()).isTrue();
        assertThat(endpoints.get("ep_b").isPrimary()).isFalse();
        assertThat(latest(configOut).get(T).primaryEndpointId()).isEqualTo("ep_a");
    }

    @Test
    void creatingPrimaryDemotesPrevious() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(cloud(T, "ep_a", false)));
        endpointsOut.readRecordsToList();
        configOut.readRecordsToList();

        CommandOutcome created = apply(T, new CreateEndpoint(waha(T, "ep_b", true)));

        assertThat(created.detail()).isEqualTo("ep_a demoted; ep_b is primary");
        Map<String, Endpoint> written = latest(endpointsOut);
        assertThat(written).containsOnlyKeys("ep_a", "ep_b");
        assertThat(written.get("ep_a").isPrimary()).isFalse();
        assertThat(written.get("ep_b").isPrimary()).isTrue();
        assertThat(latest(configOut).get(T).primaryEndpointId()).isEqualTo("ep_b");

        CommandOutcome updated = apply(T, new UpdateEndpoint("ep_a", patchPrimary(true)));
        assertThat(updated.httpStatus()).isEqualTo(200);
        assertThat(updated.detail()).isEqualTo("ep_b demoted; ep_a is primary");
        assertThat(latest(configOut).get(T).primaryEndpointId()).isEqualTo("ep_a");
        assertThat(latest(endpointsOut).get("ep_b").isPrimary()).isFalse();
    }

    @Test
    void deletingPrimaryPromotesAnotherAndSaysWhich() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(cloud(T, "ep_a", false)));
        apply(T, new CreateEndpoint(withWeight(waha(T, "ep_light", false), 1)));
        apply(T, new CreateEndpoint(withWeight(waha(T, "ep_heavy", false), 5)));
        apply(T, new CreateEndpoint(withWeight(inactive(waha(T, "ep_off", false)), 9)));
        drainAll();

        CommandOutcome deleted = apply(T, new DeleteEndpoint("ep_a"));

        assertThat(deleted.status()).isEqualTo(CommandOutcome.Status.APPLIED);
        assertThat(deleted.httpStatus()).isEqualTo(200);
        assertThat(deleted.resource()).isNull();
        assertThat(deleted.detail()).isEqualTo("ep_heavy promoted to primary");
        List<TestRecord<String, Endpoint>> written = endpointsOut.readRecordsToList();
        assertThat(written).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("ep_a");
            assertThat(r.value()).isNull();
        });
        assertThat(written).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("ep_heavy");
            assertThat(r.value().isPrimary()).isTrue();
        });
        assertThat(latest(configOut).get(T).primaryEndpointId()).isEqualTo("ep_heavy");
        Envelope event = eventsOut.readValuesToList().get(0);
        assertThat(event.payload()).isEqualTo(new ConfigurationChanged("endpoint", "ep_a", "deleted",
                "ep_heavy promoted to primary"));

        assertThat(apply(T, new DeleteEndpoint("ep_heavy")).detail()).isEqualTo("ep_light promoted to primary");
        drainAll();
        // ep_off is inactive: it is not promoted.
        CommandOutcome none = apply(T, new DeleteEndpoint("ep_light"));
        assertThat(none.detail()).isEqualTo("no endpoint left to promote");
        Map<String, TenantConfiguration> config = latest(configOut);
        assertThat(config).containsKey(T);
        assertThat(config.get(T).primaryEndpointId()).isNull();
        assertThat(apply(T, new DeleteEndpoint("ep_off")).detail()).isNull();
    }

    @Test
    void otherTenantsEndpointIsNotFound() {
        apply(T, new InitTenant(null));
        apply(OTHER, new InitTenant(null));
        apply(OTHER, new CreateEndpoint(waha(OTHER, "ep_theirs", false)));
        drainAll();

        CommandOutcome update = apply(T, new UpdateEndpoint("ep_theirs", patchPrimary(true)));
        CommandOutcome delete = apply(T, new DeleteEndpoint("ep_theirs"));
        CommandOutcome missing = apply(T, new DeleteEndpoint("ep_nobody"));
        CommandOutcome device = apply(T, new CreateDevice(device(T, "dev_1", "ep_theirs")));
        CommandOutcome primary = apply(T, new UpdateTenant(new TenantConfigPatch("ep_theirs", null, null, null, null,
                null, null)));

        for (CommandOutcome o : List.of(update, delete, missing, device)) {
            assertThat(o.status()).isEqualTo(CommandOutcome.Status.REJECTED);
            assertThat(o.httpStatus()).isEqualTo(404);
            assertThat(o.code()).isEqualTo("endpoint_not_found");
        }
        assertThat(delete.message()).isEqualTo("endpoint ep_theirs not found");
        assertThat(missing.message()).isEqualTo("endpoint ep_nobody not found");
        assertThat(primary.httpStatus()).isEqualTo(422);
        assertThat(primary.code()).isEqualTo("invalid_field");
        assertThat(primary.detail()).isEqualTo("primaryEndpointId");
        assertThat(primary.message()).contains("primaryEndpointId");
        assertThat(endpointsOut.isEmpty()).isTrue();
        assertThat(devicesOut.isEmpty()).isTrue();
        assertThat(configOut.isEmpty()).isTrue();
    }

    @Test
    void deviceOnCloudApiEndpointIsRefused() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(cloud(T, "ep_a", false)));
        drainAll();

        CommandOutcome o = apply(T, new CreateDevice(device(T, "dev_1", "ep_a")));

        assertThat(o.status()).isEqualTo(CommandOutcome.Status.REJECTED);
        assertThat(o.httpStatus()).isEqualTo(422);
        assertThat(o.code()).isEqualTo("pairing_not_supported");
        assertThat(o.detail()).isEqualTo("endpointId");
        assertThat(devicesOut.isEmpty()).isTrue();
        assertThat(eventsOut.isEmpty()).isTrue();
    }

    @Test
    void commandForUnknownTenantIsRefused() {
        CommandOutcome endpoint = apply(T, new CreateEndpoint(waha(T, "ep_a", false)));
        CommandOutcome config = apply(T, new UpdateTenant(new TenantConfigPatch(null, false, null, null, null, null,
                null)));
        CommandOutcome key = apply(T, new IssueApiKey(apiKey(T, "key_1")));

        for (CommandOutcome o : List.of(endpoint, config, key)) {
            assertThat(o.status()).isEqualTo(CommandOutcome.Status.REJECTED);
            assertThat(o.httpStatus()).isEqualTo(404);
            assertThat(o.code()).isEqualTo("tenant_not_found");
            assertThat(o.message()).isEqualTo("tenant acme is not initialised");
        }
        assertThat(endpointsOut.isEmpty()).isTrue();
        assertThat(apiKeysOut.isEmpty()).isTrue();
        assertThat(store().get(T)).as("an unknown tenant leaves no state").isNull();
    }

    @Test
    void repeatedCommandIsAnsweredOnce() {
        apply(T, new InitTenant(null));
        drainAll();
        ManagementCommand create = command(T, "cmd_same", new CreateEndpoint(waha(T, "ep_a", false)));

        commands.pipeInput(T, create);
        commands.pipeInput(T, create);

        readOutcomes();
        assertThat(outcomeRecords).filteredOn(r -> r.key().equals("cmd_same")).hasSize(1);
        assertThat(outcomes.get("cmd_same").status()).isEqualTo(CommandOutcome.Status.APPLIED);
        assertThat(endpointsOut.readRecordsToList()).hasSize(1);
        assertThat(eventsOut.readRecordsToList()).hasSize(1);
    }

    @Test
    void outcomesNeverContainSecrets() {
        apply(T, new InitTenant(null));
        Endpoint cloud = cloud(T, "ep_a", false);
        Endpoint waha = waha(T, "ep_b", false);
        CommandOutcome a = apply(T, new CreateEndpoint(cloud));
        CommandOutcome b = apply(T, new CreateEndpoint(waha));
        Sealed newKey = TestSecrets.seal(T, "ep_b", "apiKey", "rotated-waha-key-5555");
        CommandOutcome c = apply(T, new UpdateEndpoint("ep_b", new EndpointPatch(null, null, null, null, null, null,
                newKey, null, null, null, null, null)));
        apply(T, new CreateDevice(device(T, "dev_1", "ep_b")));
        apply(T, new IssueApiKey(apiKey(T, "key_1")));

        assertThat(a.resource().get("apiKey").asText()).isEqualTo("EAAG****xyzw");
        assertThat(a.resource().get("webhookSecret").asText()).isEqualTo("****5c3b");
        assertThat(a.resource().get("verifyToken").asText()).isEqualTo("****e-42");
        assertThat(b.resource().get("apiKey").asText()).isEqualTo("****6789");
        assertThat(c.resource().get("apiKey").asText()).isEqualTo("****5555");
        readOutcomes();
        List<String> forbidden = List.of(ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN, WAHA_KEY, HMAC_KEY,
                "rotated-waha-key-5555", cloud.apiKey().token(), cloud.webhookSecret().token(),
                cloud.verifyToken().token(), waha.apiKey().token(), waha.webhookSecret().token(), newKey.token(),
                apiKey(T, "key_1").sha256Hex());
        for (TestRecord<String, CommandOutcome> r : outcomeRecords) {
            String json = new String(JsonSerde.of(CommandOutcome.class).encode(r.value()), StandardCharsets.UTF_8);
            for (String secret : forbidden) {
                assertThat(json).as("outcome of %s", r.key()).doesNotContain(secret);
            }
        }
        for (Envelope e : eventsOut.readValuesToList()) {
            String json = new String(JsonSerde.of(Envelope.class).encode(e), StandardCharsets.UTF_8);
            forbidden.forEach(secret -> assertThat(json).doesNotContain(secret));
        }
    }

    @Test
    void deviceEventsUpdateDeviceStatusAndQr() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(waha(T, "ep_w", false)));
        CommandOutcome created = apply(T, new CreateDevice(device(T, "dev_1", "ep_w")));
        assertThat(created.httpStatus()).isEqualTo(201);
        assertThat(created.resource().get("status").asText()).isEqualTo("disconnected");
        assertThat(created.resource().get("maxReconnectAttempts").asInt()).isEqualTo(5);
        drainAll();
        // Events are never dated after the processor's clock.
        driver.advanceWallClockTime(Duration.ofMinutes(5));

        // A webhook parser knows the endpoint, not the device.
        deviceEvent(new DeviceEvent(T, "ep_w", null, DeviceStatus.PAIRING, "SCAN_QR_CODE", "2@qr-one", null, null,
                START.plusSeconds(1)));
        Device pairing = latest(devicesOut).get("dev_1");
        assertThat(pairing.status()).isEqualTo(DeviceStatus.PAIRING);
        assertThat(pairing.qrCode()).isEqualTo("2@qr-one");
        assertThat(pairing.updatedAt()).isEqualTo(START.plusSeconds(1));

        deviceEvent(new DeviceEvent(T, "ep_w", "dev_1", DeviceStatus.PAIRING, "qrcode.updated", "2@qr-two",
                "ABCD-EFGH", null, START.plusSeconds(20)));
        Device refreshed = latest(devicesOut).get("dev_1");
        assertThat(refreshed.qrCode()).isEqualTo("2@qr-two");
        assertThat(refreshed.pairingCode()).isEqualTo("ABCD-EFGH");

        // More than the clock skew older than what was applied: a late retry, ignored.
        deviceEvent(new DeviceEvent(T, "ep_w", null, DeviceStatus.DISCONNECTED, "STOPPED", null, null, null,
                START.plusSeconds(5)));
        assertThat(devicesOut.isEmpty()).isTrue();

        deviceEvent(new DeviceEvent(T, null, "dev_1", DeviceStatus.CONNECTING, null, null, null,
                "reconnect attempt 2/5", START.plusSeconds(30)));
        Device reconnecting = latest(devicesOut).get("dev_1");
        assertThat(reconnecting.status()).isEqualTo(DeviceStatus.CONNECTING);
        assertThat(reconnecting.reconnectAttempts()).isEqualTo(2);

        deviceEvent(new DeviceEvent(T, "ep_w", null, DeviceStatus.CONNECTED, "WORKING", null, null, null,
                START.plusSeconds(40)));
        Device connected = latest(devicesOut).get("dev_1");
        assertThat(connected.status()).isEqualTo(DeviceStatus.CONNECTED);
        assertThat(connected.qrCode()).isNull();
        assertThat(connected.pairingCode()).isNull();
        assertThat(connected.reconnectAttempts()).isZero();

        // Another tenant's events never reach this tenant's devices.
        deviceEvent(new DeviceEvent(OTHER, "ep_w", "dev_1", DeviceStatus.ERROR, "FAILED", null, null, null,
                START.plusSeconds(50)), OTHER);
        assertThat(devicesOut.isEmpty()).isTrue();
        assertThat(outcomesOut.isEmpty()).isTrue();
    }

    // --- further rules ---

    @Test
    void missingProviderFieldIsRefusedNamingTheField() {
        apply(T, new InitTenant(null));
        Endpoint noPhoneNumberId = new Endpoint("ep_a", T, "Cloud", ProviderType.CLOUD_API,
                "https://graph.facebook.com", "v23.0", null, null, null, seal(T, "ep_a", "apiKey", ACCESS_TOKEN),
                seal(T, "ep_a", "webhookSecret", APP_SECRET), seal(T, "ep_a", "verifyToken", VERIFY_TOKEN), true,
                false, 1, null, null);
        Endpoint wahaWithPhoneNumberId = new Endpoint("ep_b", T, "WAHA", ProviderType.WAHA, "https://waha.example.com",
                null, "123", "default", null, seal(T, "ep_b", "apiKey", WAHA_KEY),
                seal(T, "ep_b", "webhookSecret", HMAC_KEY), null, true, false, 1, null, null);
        Endpoint privateUrl = new Endpoint("ep_c", T, "WAHA", ProviderType.WAHA, "http://10.0.0.7:3000", null, null,
                "default", null, seal(T, "ep_c", "apiKey", WAHA_KEY), seal(T, "ep_c", "webhookSecret", HMAC_KEY),
                null, true, false, 1, null, null);

        CommandOutcome missing = apply(T, new CreateEndpoint(noPhoneNumberId));
        CommandOutcome notApplicable = apply(T, new CreateEndpoint(wahaWithPhoneNumberId));
        CommandOutcome unsafe = apply(T, new CreateEndpoint(privateUrl));

        assertThat(missing.httpStatus()).isEqualTo(422);
        assertThat(missing.code()).isEqualTo("missing_field");
        assertThat(missing.detail()).isEqualTo("phoneNumberId");
        assertThat(missing.message()).isEqualTo("phoneNumberId is required for a cloud-api endpoint");
        assertThat(notApplicable.code()).isEqualTo("field_not_applicable");
        assertThat(notApplicable.detail()).isEqualTo("phoneNumberId");
        assertThat(unsafe.code()).isEqualTo("invalid_field");
        assertThat(unsafe.detail()).isEqualTo("apiUrl");
        assertThat(endpointsOut.isEmpty()).isTrue();
    }

    @Test
    void secretSealedForAnotherEndpointIsRefused() {
        apply(T, new InitTenant(null));
        Endpoint e = waha(T, "ep_a", false);
        Endpoint stolen = new Endpoint(e.id(), T, e.name(), e.provider(), e.apiUrl(), null, null, e.sessionName(),
                null, seal(T, "ep_elsewhere", "apiKey", WAHA_KEY), e.webhookSecret(), null, true, false, 1, null,
                null);

        CommandOutcome o = apply(T, new CreateEndpoint(stolen));

        assertThat(o.httpStatus()).isEqualTo(422);
        assertThat(o.code()).isEqualTo("invalid_secret");
        assertThat(o.detail()).isEqualTo("apiKey");
    }

    @Test
    void deletingAnEndpointWithDevicesIsRefusedUntilTheyAreDeleted() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(waha(T, "ep_w", false)));
        apply(T, new CreateDevice(device(T, "dev_1", "ep_w")));
        drainAll();

        CommandOutcome refused = apply(T, new DeleteEndpoint("ep_w"));
        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("endpoint_has_devices");
        assertThat(endpointsOut.isEmpty()).isTrue();

        assertThat(apply(T, new DeleteDevice("dev_1")).httpStatus()).isEqualTo(200);
        assertThat(apply(T, new DeleteEndpoint("ep_w")).detail()).isEqualTo("no endpoint left to promote");
        assertThat(latest(devicesOut)).containsEntry("dev_1", null);
        assertThat(latest(endpointsOut)).containsEntry("ep_w", null);
    }

    @Test
    void initialisingTwiceIsIdempotentWhenNothingDiffersAndAConflictOtherwise() {
        apply(T, new InitTenant(new TenantConfigPatch(null, true, null, 45, null, null, null)));
        drainAll();

        CommandOutcome same = apply(T, new InitTenant(new TenantConfigPatch(null, null, null, 45, null, null, null)));
        CommandOutcome different = apply(T, new InitTenant(new TenantConfigPatch(null, null, null, 60, null, null,
                null)));

        assertThat(same.status()).isEqualTo(CommandOutcome.Status.APPLIED);
        assertThat(same.httpStatus()).isEqualTo(200);
        assertThat(same.resource().get("reconnectInterval").asInt()).isEqualTo(45);
        assertThat(different.httpStatus()).isEqualTo(409);
        assertThat(different.code()).isEqualTo("tenant_exists");
        assertThat(configOut.isEmpty()).isTrue();
        assertThat(eventsOut.isEmpty()).isTrue();
    }

    @Test
    void outOfRangeConfigurationIsRefusedNamingTheField() {
        CommandOutcome o = apply(T, new InitTenant(new TenantConfigPatch(null, null, null, null, 0, null, null)));

        assertThat(o.httpStatus()).isEqualTo(422);
        assertThat(o.code()).isEqualTo("invalid_field");
        assertThat(o.detail()).isEqualTo("healthCheckInterval");
        assertThat(o.message()).isEqualTo("healthCheckInterval must be between 1 and 86400");
    }

    @Test
    void apiKeysAreIssuedAndRevokedWithoutShowingTheirHash() {
        apply(T, new InitTenant(null));
        ApiKey key = apiKey(T, "key_1");

        CommandOutcome issued = apply(T, new IssueApiKey(key));
        CommandOutcome again = apply(T, new IssueApiKey(key));
        CommandOutcome revoked = apply(T, new RevokeApiKey("key_1"));
        CommandOutcome otherTenant = apply(OTHER, new RevokeApiKey("key_1"));

        assertThat(issued.httpStatus()).isEqualTo(201);
        assertThat(issued.resource().has("sha256Hex")).isFalse();
        assertThat(issued.resource().get("prefix").asText()).isEqualTo("wak_key_1");
        assertThat(again.code()).isEqualTo("api_key_exists");
        assertThat(revoked.httpStatus()).isEqualTo(200);
        assertThat(revoked.resource().get("revokedAt").asText()).isEqualTo(START.toString());
        assertThat(otherTenant.httpStatus()).isEqualTo(404);
        ApiKey stored = latest(apiKeysOut).get("key_1");
        assertThat(stored.sha256Hex()).isEqualTo(key.sha256Hex());
        assertThat(stored.revoked()).isTrue();
    }

    @Test
    void unreadableCommandIsAnsweredWith400() {
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(topics.managementCommands().name(),
                new StringSerializer(), new ByteArraySerializer());

        raw.pipeInput(T, "{\"commandId\":\"cmd_bad\",\"tenantId\":\"acme\",\"action\":{\"type\":\"tenant.explode\"}}"
                .getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(T, "not json".getBytes(StandardCharsets.UTF_8));

        readOutcomes();
        assertThat(outcomeRecords).hasSize(1);
        CommandOutcome o = outcomes.get("cmd_bad");
        assertThat(o.httpStatus()).isEqualTo(400);
        assertThat(o.code()).isEqualTo("invalid_command");
    }

    @Test
    void recordsWrittenStraightToTheCompactedTopicsAreAdopted() {
        // What the devstack seed does: configuration and endpoint put on the topics without a command.
        TestInputTopic<String, TenantConfiguration> configIn = input(topics.tenantConfig());
        TestInputTopic<String, Endpoint> endpointsIn = input(topics.endpoints());
        Endpoint seeded = primary(waha(T, "ep_seed", true));
        endpointsIn.pipeInput("ep_seed", seeded);
        configIn.pipeInput(T, new TenantConfiguration(T, "ep_seed", true, true, 30, 60, 3, 30000, START, START));
        drainAll();

        CommandOutcome device = apply(T, new CreateDevice(device(T, "dev_1", "ep_seed")));
        CommandOutcome second = apply(T, new CreateEndpoint(waha(T, "ep_new", false)));

        assertThat(device.httpStatus()).isEqualTo(201);
        assertThat(second.detail()).isNull();
        assertThat(latest(configOut)).isEmpty();
    }

    @Test
    void theAggregatesOwnRecordsAreNotAdoptedBack() {
        apply(T, new InitTenant(null));
        apply(T, new CreateEndpoint(waha(T, "ep_a", false)));
        apply(T, new DeleteEndpoint("ep_a"));
        // Streams reads its own writes back from the compacted topics; a replayed put must not resurrect ep_a.
        TestInputTopic<String, byte[]> endpointsIn = driver.createInputTopic(topics.endpoints().name(),
                new StringSerializer(), new ByteArraySerializer());
        RecordHeaders own = new RecordHeaders();
        own.add(Writer.HEADER, Writer.NAME.getBytes(StandardCharsets.UTF_8));
        endpointsIn.pipeInput(new TestRecord<>("ep_a",
                JsonSerde.of(Endpoint.class).encode(primary(waha(T, "ep_a", true))), own));
        drainAll();

        CommandOutcome o = apply(T, new UpdateEndpoint("ep_a", patchPrimary(true)));

        assertThat(o.code()).isEqualTo("endpoint_not_found");
    }

    // --- helpers ---

    private CommandOutcome apply(String tenant, Action action) {
        String id = "cmd_" + (++commandCount);
        commands.pipeInput(tenant, command(tenant, id, action));
        readOutcomes();
        assertThat(outcomes).as("outcome of " + id).containsKey(id);
        return outcomes.get(id);
    }

    private ManagementCommand command(String tenant, String id, Action action) {
        return new ManagementCommand(id, tenant, START, action);
    }

    private void readOutcomes() {
        for (TestRecord<String, CommandOutcome> r : outcomesOut.readRecordsToList()) {
            outcomeRecords.add(r);
            outcomes.put(r.key(), r.value());
        }
    }

    private void deviceEvent(DeviceEvent e) {
        deviceEvent(e, T);
    }

    private void deviceEvent(DeviceEvent e, String tenant) {
        eventsIn.pipeInput(tenant, new Envelope(EventIds.eventId(tenant, "test", e.toString()), tenant, e.at(),
                "test", e));
    }

    private void drainAll() {
        readOutcomes();
        for (TestOutputTopic<?, ?> t : List.of(configOut, endpointsOut, devicesOut, apiKeysOut, eventsOut)) {
            t.readRecordsToList();
        }
    }

    private static <V> Map<String, V> latest(TestOutputTopic<String, V> topic) {
        Map<String, V> last = new HashMap<>();
        for (TestRecord<String, V> r : topic.readRecordsToList()) {
            last.put(r.key(), r.value());
        }
        return last;
    }

    private org.apache.kafka.streams.state.KeyValueStore<String, TenantState> store() {
        return driver.getKeyValueStore(ManagementTopology.STORE);
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde().serializer(), START,
                Duration.ZERO);
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), new StringDeserializer(), topic.valueSerde().deserializer());
    }

    private static Sealed seal(String tenant, String endpoint, String field, String plaintext) {
        return TestSecrets.seal(tenant, endpoint, field, plaintext);
    }

    static Endpoint cloud(String tenant, String id, boolean primary) {
        return new Endpoint(id, tenant, "Cloud " + id, ProviderType.CLOUD_API, "https://graph.facebook.com", "v23.0",
                "106540352242922", null, null, seal(tenant, id, "apiKey", ACCESS_TOKEN),
                seal(tenant, id, "webhookSecret", APP_SECRET), seal(tenant, id, "verifyToken", VERIFY_TOKEN), true,
                primary, 1, null, null);
    }

    static Endpoint waha(String tenant, String id, boolean primary) {
        return new Endpoint(id, tenant, "WAHA " + id, ProviderType.WAHA, "https://waha.example.com", null, null,
                "default", null, seal(tenant, id, "apiKey", WAHA_KEY), seal(tenant, id, "webhookSecret", HMAC_KEY),
                null, true, primary, 1, null, null);
    }

    private static Endpoint withWeight(Endpoint e, int weight) {
        return copy(e, d -> d.weight = weight);
    }

    private static Endpoint inactive(Endpoint e) {
        return copy(e, d -> d.isActive = false);
    }

    private static Endpoint primary(Endpoint e) {
        return copy(e, d -> {
            d.isPrimary = true;
            d.createdAt = START;
            d.updatedAt = START;
        });
    }

    private static Endpoint copy(Endpoint e, java.util.function.Consumer<Drafts.EndpointDraft> change) {
        Drafts.EndpointDraft d = new Drafts.EndpointDraft(e);
        change.accept(d);
        return d.build();
    }

    private static EndpointPatch patchPrimary(boolean primary) {
        return new EndpointPatch(null, null, null, null, null, null, null, null, null, null, primary, null);
    }

    private static Device device(String tenant, String id, String endpointId) {
        return new Device(id, tenant, endpointId, "Front desk", null, DeviceStatus.DISCONNECTED, null, null, 0, 5,
                null, null);
    }

    private static ApiKey apiKey(String tenant, String keyId) {
        return new ApiKey(keyId, tenant, "wak_" + keyId, "ab".repeat(32), null, null);
    }
}
