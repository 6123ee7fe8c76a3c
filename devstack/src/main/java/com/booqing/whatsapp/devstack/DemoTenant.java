package com.booqing.whatsapp.devstack;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo tenant the local stack starts with: a Cloud API endpoint in the simulator, and the tenant's
 * configuration and endpoint (secrets sealed) on the compacted topics, as an operator would register them.
 */
final class DemoTenant {
    static final String TENANT = "demo";
    static final String ENDPOINT = "ep_demo";
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String API_VERSION = "v23.0";
    static final String ACCESS_TOKEN = "demo-access-token";
    static final String APP_SECRET = "demo-app-secret";
    static final String VERIFY_TOKEN = "demo-verify-token";

    private DemoTenant() {
    }

    /** @return the simulated endpoint's API URL */
    static String seed(String simulatorUrl, GatewayConfig config, SecretBox box, Topics topics, String bootstrap)
            throws IOException, InterruptedException {
        String webhookUrl = config.webhookUrl(TENANT, ENDPOINT);
        String apiUrl = registerInSimulator(simulatorUrl, webhookUrl);
        Instant now = Instant.now();
        TenantConfiguration d = TenantConfiguration.defaults(TENANT, config, now);
        TenantConfiguration tenant = new TenantConfiguration(d.tenantId(), ENDPOINT, d.failoverEnabled(),
                d.autoReconnect(), d.reconnectInterval(), d.healthCheckInterval(), d.webhookRetries(),
                d.messageTimeout(), d.createdAt(), d.updatedAt());
        Endpoint endpoint = new Endpoint(ENDPOINT, TENANT, "Demo Cloud API (simulator)", ProviderType.CLOUD_API,
                apiUrl, API_VERSION, PHONE_NUMBER_ID, null, null,
                box.seal(ACCESS_TOKEN, Endpoint.secretContext(TENANT, ENDPOINT, "apiKey")),
                box.seal(APP_SECRET, Endpoint.secretContext(TENANT, ENDPOINT, "webhookSecret")),
                box.seal(VERIFY_TOKEN, Endpoint.secretContext(TENANT, ENDPOINT, "verifyToken")),
                true, true, 1, now, now);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(
                bootstrap, "devstack-demo-seed", Duration.ofSeconds(15), Duration.ofSeconds(30)))) {
            send(producer, topics.tenantConfig(), TENANT, tenant);
            send(producer, topics.endpoints(), ENDPOINT, endpoint);
        }
        return apiUrl;
    }

    private static String registerInSimulator(String simulatorUrl, String webhookUrl)
            throws IOException, InterruptedException {
        ObjectMapper json = Json.strict();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", "cloud-api");
        body.put("phoneNumberId", PHONE_NUMBER_ID);
        body.put("accessToken", ACCESS_TOKEN);
        body.put("appSecret", APP_SECRET);
        body.put("webhookUrl", webhookUrl);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(simulatorUrl + "/_admin/endpoints/" + ENDPOINT))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("simulator answered " + response.statusCode() + " to registering " + ENDPOINT
                    + ": " + response.body());
        }
        JsonNode answer = json.readTree(response.body());
        String apiUrl = answer.path("apiUrl").asText("");
        if (apiUrl.isBlank()) {
            throw new IOException("simulator's answer has no apiUrl: " + response.body());
        }
        return apiUrl;
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value)
            throws InterruptedException, IOException {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        try {
            producer.send(new ProducerRecord<>(topic.name(), k, v)).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot write the demo " + topic.name() + " record: " + e.getMessage(), e);
        }
    }
}
