package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.logging.Trace;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.WebhookDelivery;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The issue's metrics and logs, over the real pipeline: each service's metrics endpoint, scraped over HTTP after
 * traffic, shows its counters moved; every metric the Grafana board queries is one a service exports; the
 * Prometheus configuration scrapes all four services where they listen; and a webhook's and a send command's
 * trace ids follow them from the ingress into the processor's and the sender's log lines, with no secret in any.
 */
@KafkaAndRedis
class MetricsScrapeIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = projectRoot();
    private static Pipeline pipeline;
    private static CapturedLogs logs;
    private final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build());

    @BeforeAll
    static void startPipeline(Infra infra) {
        logs = CapturedLogs.attach();
        Map<String, String> env = new HashMap<>(Pipeline.FAST);
        env.put("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", "300");
        pipeline = new Pipeline(infra, env,
                List.of(Pipeline.TenantSpec.of("salon", Pipeline.EndpointSpec.cloudApi("primary"))),
                new Pipeline.Options(SimulatorConfig.defaults(), true));
    }

    @AfterAll
    static void stopPipeline(Infra infra) {
        if (logs != null) {
            logs.detach();
        }
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @Test
    void everyServicesCountersMoveWithTrafficAndItsHealthIsServed() throws Exception {
        Map<String, PrometheusText> before = scrapeAll();

        deliverInbound("14155550201", "Hi, is 4pm free?");
        assertThat(postSignedWebhook("{\"object\":\"instagram\",\"entry\":[]}").statusCode()).isEqualTo(200);
        assertThat(postWebhook("{\"object\":\"whatsapp_business_account\",\"entry\":[]}", "sha256=00").statusCode())
                .isEqualTo(401);
        String messageId = new RestClient(pipeline.ingressUrl())
                .sendText(pipeline.tenantId, "+14155550202", "4pm is free, see you!", null, "metrics-it-1");

        Map<String, String> sent = Map.of("outcome", "sent", "provider", "cloud-api",
                "endpoint", pipeline.endpointId, "code", "none");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, PrometheusText> now = scrapeAll();
            PrometheusText ingress = now.get("ingress");
            PrometheusText processor = now.get("processor");
            PrometheusText sender = now.get("sender");
            PrometheusText health = now.get("health-monitor");
            assertMoved(before, now, "ingress", "whatsapp_ingress_webhooks_accepted_total",
                    Map.of("provider", "cloud-api"), 2);
            assertMoved(before, now, "ingress", "whatsapp_ingress_webhooks_refused_total",
                    Map.of("reason", "invalid_signature"), 1);
            assertMoved(before, now, "ingress", "whatsapp_ingress_messages_accepted_total", Map.of(), 1);
            assertMoved(before, now, "processor", "whatsapp_processor_events_total", Map.of(), 1);
            assertMoved(before, now, "processor", "whatsapp_processor_dead_letters_total", Map.of(), 1);
            assertMoved(before, now, "processor", "whatsapp_projector_records_total",
                    Map.of("outcome", "applied"), 1);
            assertMoved(before, now, "sender", "whatsapp_sender_results_total", sent, 1);
            assertMoved(before, now, "sender", "whatsapp_sender_attempts_total",
                    Map.of("provider", "cloud-api", "outcome", "sent"), 1);
            assertMoved(before, now, "sender", "whatsapp_sender_provider_response_seconds_count",
                    Map.of("provider", "cloud-api"), 1);
            assertMoved(before, now, "sender", "whatsapp_sender_send_latency_seconds_count",
                    Map.of("outcome", "sent"), 1);
            assertMoved(before, now, "health-monitor", "whatsapp_health_probes_total",
                    Map.of("provider", "cloud-api"), 1);
            assertThat(health.sum("whatsapp_health_endpoint_state", Map.of("endpoint", pipeline.endpointId)))
                    .as("the endpoint's state gauge: 1 = healthy").isEqualTo(1.0);
            assertThat(health.sum("whatsapp_health_endpoints", Map.of("state", "healthy"))).isGreaterThanOrEqualTo(1);
            for (PrometheusText consumerSide : List.of(processor, sender)) {
                assertThat(consumerSide.names()).contains("kafka_consumer_fetch_manager_records_lag_max");
            }
            assertThat(ingress.names()).contains("jvm_memory_used_bytes");
        });
        assertThat(messageId).isNotBlank();
        for (String url : List.of(url(pipeline.processorMetrics.port(), "/healthz"),
                url(pipeline.senderMetrics.port(), "/healthz"), url(pipeline.healthMetrics.port(), "/healthz"))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedBySomeService() throws Exception {
        List<String> expressions = dashboardExpressions();
        Set<String> queried = new TreeSet<>();
        for (String expr : expressions) {
            queried.addAll(PromQl.metricNames(expr));
        }
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
        assertThat(queried).as("metric names in the board").hasSizeGreaterThanOrEqualTo(12);

        // Traffic of every kind the board shows, so that the lazily created series exist too.
        deliverInbound("14155550211", "metrics board");
        new RestClient(pipeline.ingressUrl())
                .sendText(pipeline.tenantId, "+14155550212", "board traffic", null, "metrics-it-board");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> exported = new TreeSet<>();
            scrapeAll().values().forEach(s -> exported.addAll(s.names()));
            assertThat(exported).as("exported by the four services").containsAll(queried);
        });
    }

    @Test
    void prometheusScrapesEveryServiceWhereItsMainListens() throws IOException {
        String config = Files.readString(PROJECT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, String> jobs = new LinkedHashMap<>();
        for (String block : config.split("- job_name: ")) {
            if (!block.startsWith("#") && block.contains("metrics_path")) {
                jobs.put(block.substring(0, block.indexOf('\n')).trim(), block);
            }
        }
        Map<String, Integer> ports = Map.of("ingress", 8080,
                "processor", MetricsSettings.PROCESSOR_DEFAULT_PORT,
                "sender", MetricsSettings.SENDER_DEFAULT_PORT,
                "health-monitor", MetricsSettings.HEALTH_DEFAULT_PORT);

        assertThat(jobs).containsOnlyKeys(ports.keySet());
        ports.forEach((service, port) -> assertThat(jobs.get(service)).as(service)
                .contains("metrics_path: /metrics", "names: [" + service + "]", "port: " + port));
    }

    @Test
    void aWebhooksTraceIdIsItsRequestIdInTheProcessorsLogs() throws Exception {
        HttpResponse<String> accepted = postSignedWebhook("{\"object\":\"instagram\",\"entry\":[{\"id\":\"x\"}]}");
        assertThat(accepted.statusCode()).isEqualTo(200);
        String requestId = JSON.readTree(accepted.body()).path("requestId").asText();

        await().atMost(PATIENCE).until(() -> logs.find(e -> requestId.equals(e.getMDCPropertyMap().get("traceId"))
                && e.getLoggerName().endsWith("WebhookNormaliser")).isPresent());
        ILoggingEvent deadLettered = logs.find(e -> requestId.equals(e.getMDCPropertyMap().get("traceId"))
                && e.getLoggerName().endsWith("WebhookNormaliser")).orElseThrow();
        assertThat(deadLettered.getFormattedMessage()).startsWith("dead-lettered");
        assertThat(deadLettered.getMDCPropertyMap()).containsEntry(LogContext.TENANT, pipeline.tenantId)
                .containsEntry(LogContext.ENDPOINT, pipeline.endpointId);
    }

    @Test
    void aSendCommandsTraceIdGoesFromTheIngressThroughTheSenderToItsResult() throws Exception {
        String messageId = new RestClient(pipeline.ingressUrl())
                .sendText(pipeline.tenantId, "+14155550221", "traced", null, "metrics-it-" + UUID.randomUUID());

        await().atMost(PATIENCE).until(() -> logs.find(e -> messageId.equals(e.getMDCPropertyMap().get("messageId"))
                && e.getLoggerName().endsWith(".Sender")).isPresent());
        ILoggingEvent senderLine = logs.find(e -> messageId.equals(e.getMDCPropertyMap().get("messageId"))
                && e.getLoggerName().endsWith(".Sender")).orElseThrow();
        String trace = senderLine.getMDCPropertyMap().get(LogContext.TRACE_ID);
        assertThat(senderLine.getMDCPropertyMap()).containsEntry(LogContext.TENANT, pipeline.tenantId);
        assertThat(trace).isNotBlank();

        assertThat(traceOf(pipeline.topics.sendCommands().name(), messageId)).isEqualTo(trace);
        assertThat(traceOf(pipeline.topics.sendResults().name(), messageId)).isEqualTo(trace);
    }

    @Test
    void noLogLineCarriesASecret() throws Exception {
        deliverInbound("14155550231", "secrets stay out of logs");
        postWebhook("{\"object\":\"whatsapp_business_account\",\"entry\":[]}", "sha256=11");
        Pipeline.GatewayEndpoint endpoint = pipeline.tenant("salon").primary();
        List<String> secrets = List.of(endpoint.apiKey(), endpoint.webhookSecret(), Pipeline.ADMIN_KEY,
                pipeline.env.required("WHATSAPP_ENCRYPTION_KEYS").substring(3));
        await().atMost(PATIENCE).until(() -> logs.size() > 0);

        for (ILoggingEvent e : logs.all()) {
            String everything = e.getFormattedMessage() + e.getMDCPropertyMap()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertThat(everything).as("log line of %s", e.getLoggerName()).doesNotContain(secret);
            }
        }
    }

    // ---- helpers ----

    private Map<String, PrometheusText> scrapeAll() {
        Map<String, PrometheusText> all = new LinkedHashMap<>();
        all.put("ingress", PrometheusText.scrape(http, pipeline.ingressUrl() + "/metrics"));
        all.put("processor", PrometheusText.scrape(http, url(pipeline.processorMetrics.port(), "/metrics")));
        all.put("sender", PrometheusText.scrape(http, url(pipeline.senderMetrics.port(), "/metrics")));
        all.put("health-monitor", PrometheusText.scrape(http, url(pipeline.healthMetrics.port(), "/metrics")));
        return all;
    }

    private static void assertMoved(Map<String, PrometheusText> before, Map<String, PrometheusText> now,
                                    String service, String name, Map<String, String> labels, double atLeast) {
        double was = before.get(service).sum(name, labels);
        double is = now.get(service).sum(name, labels);
        assertThat(is - was).as("%s %s%s moved (from %s)", service, name, labels, was).isGreaterThanOrEqualTo(atLeast);
    }

    private static String url(int port, String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private List<String> dashboardExpressions() throws IOException {
        JsonNode board = JSON.readTree(PROJECT.resolve("deploy/grafana/dashboards/whatsapp.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode expr : board.findValues("expr")) {
            expressions.add(expr.asText());
        }
        return expressions;
    }

    private void deliverInbound(String from, String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            WebhookDelivery d = pipeline.simulator.postInboundText(pipeline.simEndpointId, from, text);
            return d.status() == 200;
        });
    }

    private HttpResponse<String> postSignedWebhook(String body) throws Exception {
        String secret = pipeline.tenant("salon").primary().webhookSecret();
        return postWebhook(body, "sha256=" + HexFormat.of().formatHex(hmac(secret, body)));
    }

    private HttpResponse<String> postWebhook(String body, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(pipeline.ingressUrl() + "/api/whatsapp/webhook/"
                        + pipeline.tenantId + "/" + pipeline.endpointId))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@value Trace#HEADER} of the record on {@code topic} whose JSON value has this message id. */
    private String traceOf(String topic, String messageId) {
        Map<String, Object> c = KafkaClients.committedReader(pipeline.gateway.kafkaBootstrapServers(),
                "metrics-it-" + UUID.randomUUID(), "metrics-it-" + UUID.randomUUID());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                    if (value.contains("\"" + messageId + "\"")) {
                        return Trace.of(r.headers());
                    }
                }
            }
        }
        throw new AssertionError("no record of message " + messageId + " on " + topic);
    }

    private static byte[] hmac(String key, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }

    private static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/ directory above " + System.getProperty("user.dir"));
        }
        return dir;
    }

    /** Every log event of this JVM while attached, with its MDC captured on the thread that logged it. */
    static final class CapturedLogs extends AppenderBase<ILoggingEvent> {
        private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();

        static CapturedLogs attach() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            CapturedLogs appender = new CapturedLogs();
            appender.setContext(context);
            appender.setName("metrics-it-capture");
            appender.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
            return appender;
        }

        void detach() {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME)
                    .detachAppender(this);
            stop();
        }

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }

        Optional<ILoggingEvent> find(java.util.function.Predicate<ILoggingEvent> p) {
            return events.stream().filter(p).findFirst();
        }

        List<ILoggingEvent> all() {
            return List.copyOf(events);
        }

        int size() {
            return events.size();
        }
    }

    /** The metric names in a PromQL expression; every selector on the board is written {@code name{...}}. */
    static final class PromQl {
        private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{");
        private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        /** Functions, aggregations and keywords the board uses; any other bare word would be a metric name. */
        private static final Set<String> WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "increase",
                "irate", "histogram_quantile", "by", "without", "on", "ignoring", "and", "or", "unless", "topk",
                "bottomk", "clamp_min", "clamp_max", "abs", "vector", "scalar", "time", "sort_desc", "sort",
                "label_replace", "le", "offset", "bool", "group_left", "group_right");

        static Set<String> metricNames(String expr) {
            Set<String> names = new TreeSet<>();
            String noStrings = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
            Matcher m = SELECTOR.matcher(noStrings);
            while (m.find()) {
                if (!WORDS.contains(m.group(1))) {
                    names.add(m.group(1));
                }
            }
            // What is left once selectors, ranges, grouping labels and numbers are gone must be PromQL words only,
            // else a metric was written without braces and would escape this check.
            String rest = noStrings.replaceAll("[a-zA-Z_:][a-zA-Z0-9_:]*\\s*\\{[^}]*}", " ")
                    .replaceAll("\\[[^]]*]", " ")
                    .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", "$1 ")
                    .replaceAll("\\$\\{?[a-zA-Z_]+}?", " ")
                    .replaceAll("\\b[0-9.]+(e[0-9]+)?\\b", " ");
            Matcher words = IDENTIFIER.matcher(rest);
            while (words.find()) {
                if (!WORDS.contains(words.group())) {
                    throw new AssertionError("'" + words.group() + "' in '" + expr
                            + "' is not a known PromQL word: write metric selectors as name{...}");
                }
            }
            return names;
        }
    }
}
