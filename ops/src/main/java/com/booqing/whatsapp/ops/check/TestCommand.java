package com.booqing.whatsapp.ops.check;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.OperationFailedException;
import com.booqing.whatsapp.ops.OpsCommand;
import com.booqing.whatsapp.ops.OpsContext;
import com.booqing.whatsapp.ops.OpsSettings;
import com.booqing.whatsapp.ops.copy.Times;
import com.booqing.whatsapp.ops.tenant.Tenants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code test} (the brief's {@code whatsapp:test}): drives the whole path for one endpoint of a tenant and says which
 * step broke. 1 a customer's text reaches the ingress as a signed webhook; 2 it is in Redis; 3 a reply sent
 * through the REST API gets its result from the sender; 4 the provider received it (checked on the simulator);
 * 5 a delivery receipt came back. Against the simulator, the simulator posts the webhook (signed with its own
 * copy of the secret); against a real endpoint, the tool signs it with the endpoint's webhook secret, opened with
 * WHATSAPP_ENCRYPTION_KEYS. The test customer's conversation and messages stay in Redis like any other.
 */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drives webhook in, message out and receipt back for one endpoint of a tenant, against the "
                + "simulator or the endpoint's real provider, and says which step failed (brief: whatsapp:test)."})
public final class TestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = Json.lenient();
    private static final Set<String> SENT = Set.of("sent", "delivered", "read", "played");
    private static final Set<String> RECEIPTED = Set.of("delivered", "read", "played");

    @ParentCommand
    OpsCommand parent;

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenantId;

    @Option(names = "--to", paramLabel = "+E164", required = true,
            description = "the test customer's number: the webhook comes from it and the reply goes to it")
    String to;

    @Option(names = "--endpoint", paramLabel = "ENDPOINT_ID", description = "default: the tenant's primary endpoint")
    String endpointId;

    @Option(names = "--simulator", paramLabel = "URL",
            description = "the simulator's admin URL (default OPS_SIMULATOR_URL); without it, the real provider")
    String simulator;

    @Option(names = "--sim-endpoint", paramLabel = "ID", description = "the simulator's id of the endpoint "
            + "(default: the gateway's endpoint id)")
    String simEndpoint;

    @Option(names = "--step-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "how long each step may take (default 30s)")
    String stepTimeout;

    @Override
    public Integer call() {
        OpsContext ctx = parent.context();
        OpsSettings settings = ctx.settings();
        if (!Ids.isValidTenantId(tenantId)) {
            throw new BadArgumentsException("'" + tenantId + "' is not a tenant id");
        }
        String digits = to.strip().replaceFirst("^\\+", "");
        if (!digits.matches("[1-9]\\d{7,14}")) {
            throw new BadArgumentsException("--to '" + to + "' is not a phone number in E.164 (+ and 8 to 15 digits)");
        }
        String phone = "+" + digits;
        Duration timeout = Times.duration("--step-timeout", stepTimeout);
        String adminKey = settings.adminKey().orElseThrow(() -> new BadArgumentsException(
                "test sends through the REST API and needs the ingress's admin key in WHATSAPP_ADMIN_API_KEY"));
        URI sim = simulator != null ? parseUrl("--simulator", simulator) : settings.simulatorUrl().orElse(null);
        try (JedisPooled redis = RedisClients.pooled(settings.gateway().redisUrl(), 2)) {
            new Tenants(settings, redis).requireExisting(List.of(tenantId));
            JsonNode endpoint = chooseEndpoint(redis, settings.keys());
            String epId = endpoint.path("id").asText();
            String simId = simEndpoint != null ? simEndpoint : epId;
            Inbound inbound = sim != null ? new SimulatorInbound(sim, simId)
                    : new SignedInbound(settings, sealedEndpoint(settings, epId));
            ctx.out().println("test: tenant " + tenantId + ", endpoint " + epId + " ("
                    + endpoint.path("provider").asText() + "), customer " + phone + ", "
                    + (sim != null ? "against the simulator at " + sim + " (endpoint " + simId + ")"
                    : "against the endpoint's provider at " + endpoint.path("apiUrl").asText()));
            ctx.out().flush();
            long start = ctx.nanoTime().getAsLong();
            StepLog steps = new StepLog(ctx.out());
            new Run(ctx, redis, steps, timeout, adminKey, tenantId, epId, phone, digits, inbound, sim, simId).go();
            Duration took = Duration.ofNanos(ctx.nanoTime().getAsLong() - start);
            if (steps.hasFailed()) {
                ctx.out().println("test: FAILED at " + steps.failedStep());
                return OpsCommand.FAILED;
            }
            ctx.out().println("test: OK, every step passed in " + Times.human(took));
            return OpsCommand.OK;
        }
    }

    private JsonNode chooseEndpoint(JedisPooled redis, RedisKeys keys) {
        Set<String> ids = new TreeSet<>(redis.smembers(keys.tenantEndpoints(tenantId)));
        if (endpointId != null) {
            if (!ids.contains(endpointId)) {
                throw new BadArgumentsException("tenant " + tenantId + " has no endpoint " + endpointId
                        + (ids.isEmpty() ? "" : "; its endpoints: " + String.join(", ", ids)));
            }
            return active(endpoint(redis, keys, endpointId));
        }
        for (String id : ids) {
            JsonNode e = endpoint(redis, keys, id);
            if (e.path("isPrimary").asBoolean(false)) {
                return active(e);
            }
        }
        throw new BadArgumentsException("tenant " + tenantId + " has no primary endpoint"
                + (ids.isEmpty() ? " (no endpoints at all)" : "; choose one with --endpoint: " + String.join(", ", ids)));
    }

    private static JsonNode endpoint(JedisPooled redis, RedisKeys keys, String id) {
        String raw = redis.get(keys.endpoint(id));
        if (raw == null) {
            throw new BadArgumentsException("endpoint " + id + " is listed but not in Redis (being deleted?)");
        }
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            throw new OperationFailedException("endpoint " + id + " in Redis is not readable JSON");
        }
    }

    private static JsonNode active(JsonNode endpoint) {
        if (!endpoint.path("isActive").asBoolean(false)) {
            throw new BadArgumentsException("endpoint " + endpoint.path("id").asText() + " is inactive: the ingress "
                    + "refuses its webhooks and the sender does not use it");
        }
        return endpoint;
    }

    /** The endpoint with its sealed secrets, from the compacted endpoints topic (Redis holds masks only). */
    private static Endpoint sealedEndpoint(OpsSettings settings, String id) {
        try (CompactedTopicView<Endpoint> view = new CompactedTopicView<>(settings.bootstrapServers(),
                settings.topics().endpoints(), "whatsapp-ops-test", (k, v) -> { }).start()) {
            if (!view.awaitCaughtUp(Duration.ofSeconds(20))) {
                throw new OperationFailedException("could not read " + settings.topics().endpoints().name()
                        + " within 20 s");
            }
            return view.get(id).orElseThrow(() -> new OperationFailedException("endpoint " + id + " is in Redis but not on "
                    + settings.topics().endpoints().name()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }

    private static URI parseUrl(String option, String value) {
        try {
            URI uri = new URI(value.strip());
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new BadArgumentsException(option + " must be an http(s) URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new BadArgumentsException(option + " is not a URL");
        }
    }

    /** How step 1 gets a customer's text to the ingress. */
    interface Inbound {
        /** @return null when the ingress took it (200), else what went wrong */
        String deliver(Http http, String ingressWebhookUrl, String fromDigits, String text, Instant at);
    }

    /** The simulated provider posts the webhook, signed with its own copy of the secret. */
    record SimulatorInbound(URI simulator, String simId) implements Inbound {
        @Override
        public String deliver(Http http, String ingressWebhookUrl, String fromDigits, String text, Instant at) {
            ObjectNode body = JSON.createObjectNode().put("from", fromDigits).put("text", text);
            Http.Answer a = http.post(base(simulator) + "/_admin/endpoints/" + simId + "/inbound",
                    body.toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
            if (a.status() != 200) {
                return "the simulator's admin API " + a.outcome();
            }
            int ingress = a.json().path("status").asInt(0);
            return ingress == 200 ? null : "the simulator posted the webhook and the ingress answered "
                    + (ingress == 0 ? "nothing (is it running at the simulator's webhook URL?)" : ingress
                    + (ingress == 401 ? " (the ingress does not know the endpoint, or the secrets differ)" : ""));
        }
    }

    /** The tool posts the webhook itself, signed with the endpoint's secret as its provider signs. */
    static final class SignedInbound implements Inbound {
        private final Endpoint endpoint;
        private final Supplier<String> secret;

        SignedInbound(OpsSettings settings, Endpoint endpoint) {
            this.endpoint = endpoint;
            // Opened when used and never kept in a field as text, so it cannot end up in an exception message.
            this.secret = () -> settings.secrets().openString(endpoint.webhookSecret(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "webhookSecret"));
        }

        @Override
        public String deliver(Http http, String ingressWebhookUrl, String fromDigits, String text, Instant at) {
            SignedWebhook w = ProviderWebhooks.inboundText(endpoint, secret.get(), fromDigits, text,
                    "ops" + HexFormat.of().formatHex(random(8)), at);
            Http.Answer a = http.post(ingressWebhookUrl, w.body(), w.headers());
            return a.status() == 200 ? null : "the ingress " + a.outcome()
                    + (a.status() == 401 ? " (unknown endpoint or a wrong secret)" : "");
        }
    }

    /** One run of the five steps. */
    private record Run(OpsContext ctx, JedisPooled redis, StepLog steps, Duration timeout, String adminKey,
                       String tenant, String endpointId, String phone, String digits, Inbound inbound, URI sim, String simId) {

        void go() {
            String run = HexFormat.of().formatHex(random(6));
            String inText = "whatsapp-ops test " + run + ": hello";
            String outText = "whatsapp-ops test " + run + ": reply";
            Http http = new Http();
            RedisKeys keys = ctx.settings().keys();

            long t0 = ctx.nanoTime().getAsLong();
            String problem = inbound.deliver(http, ctx.settings().ingressBase() + "/api/whatsapp/webhook/" + tenant
                    + "/" + endpointId, digits, inText, ctx.clock().instant());
            if (problem != null) {
                steps.failed(problem);
                return;
            }
            steps.ok("the ingress took the webhook in " + ms(t0));

            long t1 = ctx.nanoTime().getAsLong();
            String inboundId = waitFor(() -> findInbound(keys, tenant, inText));
            if (inboundId == null) {
                steps.failed("not in Redis under " + keys.messages(RedisKeys.conversationId(tenant, phone)) + " after "
                        + Times.human(timeout) + ": is the processor running?");
                return;
            }
            steps.ok("message " + inboundId + " after " + ms(t1));

            long t2 = ctx.nanoTime().getAsLong();
            ObjectNode send = JSON.createObjectNode().put("to", phone).put("type", "text").put("content", outText)
                    .put("endpointId", endpointId);
            Http.Answer accepted = http.post(ctx.settings().ingressBase() + "/api/whatsapp/messages/" + tenant,
                    send.toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                            "Authorization", "Bearer " + adminKey, "Idempotency-Key", "whatsapp-ops-test-" + run));
            if (accepted.status() != 202) {
                steps.failed("the REST API " + accepted.outcome());
                return;
            }
            String messageId = accepted.json().path("messageId").asText("");
            String messageKey = keys.message(messageId);
            Map<String, String> message = waitFor(() -> {
                Map<String, String> m = redis.hgetAll(messageKey);
                String s = m.get("status");
                return s != null && (SENT.contains(s) || "failed".equals(s)) ? m : null;
            });
            if (message == null) {
                String status = redis.hget(messageKey, "status");
                steps.failed("no result for " + messageId + " after " + Times.human(timeout) + " (status "
                        + (status == null ? "not in Redis" : status) + "): is the sender running?");
                return;
            }
            if ("failed".equals(message.get("status"))) {
                steps.failed(messageId + " failed: " + message.getOrDefault("errorCode", "no code") + ": "
                        + message.getOrDefault("errorTitle", "no reason given"));
                return;
            }
            steps.ok(messageId + " sent through " + message.getOrDefault("endpointId", "?") + " as "
                    + message.getOrDefault("providerMessageId", "?") + " after " + ms(t2));

            if (sim == null) {
                steps.skipped("no simulator: the provider's receipt in step 5 shows it got the message");
            } else {
                Http.Answer recorded = http.get(base(sim) + "/_admin/endpoints/" + simId + "/requests", Map.of());
                boolean found = false;
                if (recorded.status() != 200) {
                    steps.failed("the simulator's admin API " + recorded.outcome());
                    return;
                }
                for (JsonNode r : recorded.json()) {
                    found |= r.path("body").asText("").contains(outText);
                }
                if (!found) {
                    steps.failed("the simulator's endpoint " + simId + " recorded no request with the message");
                    return;
                }
                steps.ok("the simulator's endpoint " + simId + " received it");
            }

            String receipted = waitFor(() -> {
                String s = redis.hget(messageKey, "status");
                return s != null && (RECEIPTED.contains(s) || "failed".equals(s)) ? s : null;
            });
            if (receipted == null) {
                steps.failed("status still " + redis.hget(messageKey, "status") + " after " + Times.human(timeout)
                        + ": no delivery receipt came back (does the provider's webhook point at the gateway?)");
                return;
            }
            if ("failed".equals(receipted)) {
                steps.failed("the provider reported the message failed: " + redis.hget(messageKey, "errorCode")
                        + ": " + redis.hget(messageKey, "errorTitle"));
                return;
            }
            steps.ok(receipted + ", " + ms(t2) + " after the send");
        }

        private String findInbound(RedisKeys keys, String tenant, String text) {
            List<String> ids = redis.zrange(keys.messages(RedisKeys.conversationId(tenant, phone)), -50, -1);
            for (String id : ids) {
                Map<String, String> m = redis.hgetAll(keys.message(id));
                if ("inbound".equals(m.get("direction")) && m.getOrDefault("content", "").contains(text)) {
                    return id;
                }
            }
            return null;
        }

        private <T> T waitFor(Supplier<T> probe) {
            long deadline = ctx.nanoTime().getAsLong() + timeout.toNanos();
            while (true) {
                T v = probe.get();
                if (v != null || ctx.nanoTime().getAsLong() > deadline) {
                    return v;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }

        private String ms(long since) {
            return (ctx.nanoTime().getAsLong() - since) / 1_000_000 + " ms";
        }
    }

    private static String base(URI uri) {
        return uri.toString().replaceAll("/+$", "");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
