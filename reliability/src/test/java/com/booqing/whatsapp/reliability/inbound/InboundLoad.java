package com.booqing.whatsapp.reliability.inbound;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.projection.ReceiptHolders;
import com.booqing.whatsapp.processor.webhook.PhoneNumbers;
import com.booqing.whatsapp.reliability.harness.TenantSeed;
import com.booqing.whatsapp.simulator.cloudapi.HubSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import redis.clients.jedis.JedisPooled;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deterministic mix of signed Cloud API webhooks for several tenants (inbound text messages, and receipts
 * sent/delivered/read of provider message ids the gateway has not seen sent), with a share of exact repeats (a
 * provider retrying a delivery), and the oracle of what Redis must hold once all of them are projected: computed
 * from the input alone, without running the gateway.
 */
final class InboundLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] STATUSES = {"sent", "delivered", "read"};

    /** One delivery: the webhook's tenant, endpoint, exact body and signature. {@code repeat} = a provider retry. */
    record Delivery(String tenantId, String endpointId, byte[] body, String signature, boolean repeat, int newEvents) {
        RawWebhook raw(String requestId, Instant receivedAt) {
            return new RawWebhook(requestId, tenantId, endpointId, ProviderType.CLOUD_API, receivedAt,
                    Map.of("X-Hub-Signature-256", signature), body);
        }
    }

    record Tenant(String tenantId, String endpointId, String phoneNumberId, String appSecret) {
        TenantSeed.CloudEndpoint endpoint(String apiUrl) {
            return new TenantSeed.CloudEndpoint(tenantId, endpointId, apiUrl, phoneNumberId, Canaries.derived("reliability inbound access token", "token-", tenantId),
                    appSecret, Canaries.derived("reliability inbound verify token", "verify-", tenantId));
        }
    }

    final List<Tenant> tenants;
    final List<Delivery> deliveries;
    /** tenant -> (wamid -> conversation phone) of unique inbound messages. */
    final Map<String, Map<String, String>> inbound = new TreeMap<>();
    /** tenant -> (wamid -> highest status received) of receipts. */
    final Map<String, Map<String, Integer>> receipts = new TreeMap<>();
    /** tenant -> number of distinct events (messages + distinct (wamid, status) receipts). */
    final Map<String, Integer> uniqueEvents = new TreeMap<>();

    private InboundLoad(List<Tenant> tenants, List<Delivery> deliveries) {
        this.tenants = tenants;
        this.deliveries = deliveries;
    }

    /**
     * @param total      deliveries, repeats included
     * @param repeatRate share of deliveries that repeat an earlier one byte for byte (0.05)
     */
    static InboundLoad generate(String runId, int tenantCount, int total, double repeatRate, long seed) {
        Random random = new Random(seed);
        List<Tenant> tenants = new ArrayList<>();
        for (int t = 0; t < tenantCount; t++) {
            tenants.add(new Tenant("rel" + runId + "t" + t, "ep_rel" + runId + "t" + t, "1000000000" + (10 + t),
                    Canaries.derived("reliability inbound app secret", "app-secret-", runId + "-" + t)));
        }
        List<Delivery> out = new ArrayList<>(total);
        InboundLoad load = new InboundLoad(tenants, out);
        Map<String, List<String>> sentIds = new HashMap<>();
        Map<String, Set<String>> distinctReceipts = new HashMap<>();
        int seq = 0;
        while (out.size() < total) {
            if (!out.isEmpty() && random.nextDouble() < repeatRate) {
                Delivery earlier = out.get(random.nextInt(out.size()));
                out.add(new Delivery(earlier.tenantId(), earlier.endpointId(), earlier.body(), earlier.signature(), true, 0));
                continue;
            }
            Tenant tenant = tenants.get(random.nextInt(tenants.size()));
            String t = tenant.tenantId();
            Instant at = Instant.ofEpochSecond(1_760_000_000L + seq);
            seq++;
            ObjectNode value;
            int fresh = 0;
            if (random.nextInt(100) < 60) {
                String from = "4915" + String.format("%09d", 100_000 + random.nextInt(40));
                String wamid = "wamid.in." + runId + "." + seq;
                value = envelope(tenant);
                value.putArray("contacts").addObject().put("wa_id", from).putObject("profile").put("name", "C" + from);
                ObjectNode m = value.putArray("messages").addObject();
                m.put("from", from).put("id", wamid).put("timestamp", Long.toString(at.getEpochSecond()))
                        .put("type", "text").putObject("text").put("body", "message " + seq + " of " + t);
                load.inbound.computeIfAbsent(t, k -> new TreeMap<>()).put(wamid, PhoneNumbers.conversationPhone(from));
                load.uniqueEvents.merge(t, 1, Integer::sum);
                fresh = 1;
            } else {
                List<String> ids = sentIds.computeIfAbsent(t, k -> new ArrayList<>());
                String wamid;
                if (ids.isEmpty() || random.nextInt(3) == 0) {
                    wamid = "wamid.out." + runId + "." + seq;
                    ids.add(wamid);
                } else {
                    wamid = ids.get(random.nextInt(ids.size()));
                }
                int status = random.nextInt(STATUSES.length);
                String to = "4916" + String.format("%09d", 200_000 + random.nextInt(40));
                value = envelope(tenant);
                value.putArray("statuses").addObject().put("id", wamid).put("status", STATUSES[status])
                        .put("timestamp", Long.toString(at.getEpochSecond())).put("recipient_id", to);
                load.receipts.computeIfAbsent(t, k -> new TreeMap<>()).merge(wamid, status, Math::max);
                if (distinctReceipts.computeIfAbsent(t, k -> new java.util.HashSet<>()).add(wamid + "|" + status)) {
                    load.uniqueEvents.merge(t, 1, Integer::sum);
                    fresh = 1;
                }
            }
            byte[] body = bytes(value.get("__root"));
            out.add(new Delivery(t, tenant.endpointId(), body, HubSignature.sign(tenant.appSecret(), body), false, fresh));
        }
        return load;
    }

    /** The {@code value} of a Cloud API change, with its whole document reachable as {@code __root}. */
    private static ObjectNode envelope(Tenant tenant) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", "waba-" + tenant.tenantId());
        ObjectNode value = entry.putArray("changes").addObject().put("field", "messages").putObject("value");
        value.put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", "").put("phone_number_id", tenant.phoneNumberId());
        value.set("__root", root);
        return value;
    }

    private static byte[] bytes(JsonNode root) {
        // __root is a back-reference for building only; it must not be serialised.
        ((ObjectNode) root.path("entry").path(0).path("changes").path(0).path("value")).remove("__root");
        try {
            return JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Distinct events first seen in these deliveries (how many Redis must show once they are projected). */
    static long distinctEvents(List<Delivery> deliveries) {
        return deliveries.stream().mapToLong(Delivery::newEvents).sum();
    }

    int repeats() {
        return (int) deliveries.stream().filter(Delivery::repeat).count();
    }

    int uniqueEventTotal() {
        return uniqueEvents.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Events the projector has applied, per tenant (the tenant's event list, complete while under 1,000). */
    Map<String, Long> appliedEvents(JedisPooled redis, RedisKeys keys) {
        Map<String, Long> out = new TreeMap<>();
        for (Tenant t : tenants) {
            out.put(t.tenantId(), redis.llen(keys.events(t.tenantId())));
        }
        return out;
    }

    long appliedEventTotal(JedisPooled redis, RedisKeys keys) {
        return appliedEvents(redis, keys).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Every difference between Redis and the oracle, as readable lines (empty = identical): each unique inbound
     * message's hash, each conversation's message set and count, each receipt holder's final status, and the
     * tenant event lists (no event twice; all of them while the list is below its 1,000 cap).
     */
    List<String> differences(JedisPooled redis, RedisKeys keys) {
        List<String> diffs = new ArrayList<>();
        for (Tenant tenant : tenants) {
            String t = tenant.tenantId();
            Map<String, Set<String>> conversations = new TreeMap<>();
            for (Map.Entry<String, String> e : inbound.getOrDefault(t, Map.of()).entrySet()) {
                String id = EventIds.inboundMessageId(t, e.getKey());
                Map<String, String> h = redis.hgetAll(keys.message(id));
                String conversationId = RedisKeys.conversationId(t, e.getValue());
                if (h.isEmpty()) {
                    diffs.add("lost inbound message " + e.getKey() + " of " + t);
                    continue;
                }
                if (!conversationId.equals(h.get("conversationId")) || !e.getKey().equals(h.get("providerMessageId"))) {
                    diffs.add("message " + id + " has conversation " + h.get("conversationId") + " / provider id "
                            + h.get("providerMessageId") + ", expected " + conversationId + " / " + e.getKey());
                }
                conversations.computeIfAbsent(e.getValue(), k -> new TreeSet<>()).add(id);
            }
            for (Map.Entry<String, Set<String>> c : conversations.entrySet()) {
                String conversationId = RedisKeys.conversationId(t, c.getKey());
                Set<String> members = new TreeSet<>(redis.zrange(keys.messages(conversationId), 0, -1));
                if (!members.equals(c.getValue())) {
                    diffs.add("conversation " + conversationId + " lists " + members.size() + " messages, expected "
                            + c.getValue().size());
                }
                String count = redis.hget(keys.conversation(t, c.getKey()), "messageCount");
                if (!String.valueOf(c.getValue().size()).equals(count)) {
                    diffs.add("conversation " + conversationId + " messageCount " + count + ", expected "
                            + c.getValue().size() + " (a message counted twice or not at all)");
                }
            }
            for (Map.Entry<String, Integer> r : receipts.getOrDefault(t, Map.of()).entrySet()) {
                String holder = keys.message(ReceiptHolders.holderId(t, r.getKey()));
                String status = redis.hget(holder, "status");
                if (!STATUSES[r.getValue()].equals(status)) {
                    diffs.add("receipts of " + r.getKey() + " (" + t + ") end as " + status + ", expected "
                            + STATUSES[r.getValue()]);
                }
            }
            List<String> events = redis.lrange(keys.events(t), 0, -1);
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (String json : events) {
                seen.merge(eventId(json), 1, Integer::sum);
            }
            seen.forEach((id, n) -> {
                if (n > 1) {
                    diffs.add("event " + id + " of " + t + " applied " + n + " times");
                }
            });
            int expected = uniqueEvents.getOrDefault(t, 0);
            if (expected < 1000 && events.size() != expected) {
                diffs.add("tenant " + t + " has " + events.size() + " events in Redis, expected " + expected);
            }
        }
        return diffs;
    }

    private static String eventId(String envelopeJson) {
        try {
            return JSON.readTree(envelopeJson).path("eventId").asText();
        } catch (Exception e) {
            return "unreadable:" + envelopeJson.hashCode();
        }
    }

    /** Deletes the namespace's keys of this load's tenants (SCAN MATCH, never a flush). */
    Set<String> tenantIds() {
        Set<String> ids = new LinkedHashSet<>();
        tenants.forEach(t -> ids.add(t.tenantId()));
        return ids;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
