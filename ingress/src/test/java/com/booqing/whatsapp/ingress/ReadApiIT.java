package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The read API against Redis data laid out as the processor writes it (helper-preamble.md, "Redis data layout"). */
@KafkaAndRedis
class ReadApiIT {
    static final String TENANT = "salon-a";
    static final String OTHER = "salon-b";
    static final String PHONE = "31612345678";
    static final String OLDER_PHONE = "31698765432";

    final Infra infra;
    final RedisKeys keys;
    final JedisPooled redis;
    Ingress ingress;

    ReadApiIT(Infra infra) {
        this.infra = infra;
        this.keys = infra.newRedisKeys();
        this.redis = infra.redis();
    }

    @BeforeEach
    void seed() {
        conversation(TENANT, PHONE, "Anna", "msg_a3", "2025-06-01T10:03:00Z", "3");
        conversation(TENANT, OLDER_PHONE, "Bram", "msg_c1", "2025-05-01T09:00:00Z", "1");
        conversation(OTHER, PHONE, "Anna elsewhere", "msg_b1", "2025-06-02T00:00:00Z", "1");
        redis.zadd(keys.tenantConversations(TENANT), 1_748_772_180_000d, RedisKeys.conversationId(TENANT, PHONE));
        redis.zadd(keys.tenantConversations(TENANT), 1_746_090_000_000d, RedisKeys.conversationId(TENANT, OLDER_PHONE));
        redis.zadd(keys.tenantConversations(OTHER), 1_748_822_400_000d, RedisKeys.conversationId(OTHER, PHONE));

        String conversation = RedisKeys.conversationId(TENANT, PHONE);
        message("msg_a1", TENANT, PHONE, "inbound", "{\"type\":\"text\",\"body\":\"Hoi\"}", "read", 1000);
        message("msg_a2", TENANT, PHONE, "outbound", "{\"type\":\"text\",\"body\":\"Hallo Anna\"}", "delivered", 2000);
        message("msg_a3", TENANT, PHONE, "inbound",
                "{\"type\":\"image\",\"mediaId\":\"m-1\",\"mimeType\":\"image/jpeg\",\"caption\":\"kapsel\"}", "read", 3000);
        redis.zadd(keys.messages(conversation), 2500, "msg_expired");
        message("msg_b1", OTHER, PHONE, "inbound", "{\"type\":\"text\",\"body\":\"other tenant\"}", "read", 4000);
    }

    @AfterEach
    void cleanUp() {
        if (ingress != null) {
            ingress.close();
        }
        infra.deleteKeys(keys);
    }

    void conversation(String tenant, String phone, String name, String lastId, String lastAt, String count) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("id", RedisKeys.conversationId(tenant, phone));
        h.put("tenantId", tenant);
        h.put("phone", phone);
        h.put("contactName", name);
        h.put("lastMessageId", lastId);
        h.put("lastMessageAt", lastAt);
        h.put("lastMessagePreview", "preview of " + lastId);
        h.put("messageCount", count);
        redis.hset(keys.conversation(tenant, phone), h);
    }

    void message(String id, String tenant, String phone, String direction, String content, String status, long epochMs) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("id", id);
        h.put("tenantId", tenant);
        h.put("conversationId", RedisKeys.conversationId(tenant, phone));
        h.put("direction", direction);
        h.put("phone", phone);
        h.put("provider", "cloud-api");
        h.put("endpointId", "ep_cloud1");
        h.put("providerMessageId", "wamid." + id);
        h.put("type", content.replaceAll(".*\"type\":\"([a-z_]+)\".*", "$1"));
        h.put("content", content);
        h.put("status", status);
        h.put("timestamp", java.time.Instant.ofEpochMilli(epochMs).toString());
        h.put("updatedAt", java.time.Instant.ofEpochMilli(epochMs + 10).toString());
        h.put("history", "[{\"status\":\"sent\",\"at\":\"2025-06-01T10:00:00Z\"},{\"status\":\"" + status
                + "\",\"at\":\"2025-06-01T10:00:05Z\"}]");
        redis.hset(keys.message(id), h);
        redis.zadd(keys.messages(RedisKeys.conversationId(tenant, phone)), epochMs, id);
    }

    void http(TestCase test) {
        JedisPooled own = RedisClients.pooled(infra.redisUri(), 4);
        ingress = TestIngress.create(TestIngress.producer(true), new InMemoryEndpointDirectory(),
                TestEndpoints.newSecretBox(), Topics.withPrefix("unused.", 1), own, keys);
        JavalinTest.test(ingress.javalin(), test);
    }

    static Response get(HttpClient client, String path) {
        return client.get(path, b -> b.header("Authorization", "Bearer " + TestIngress.ADMIN_KEY));
    }

    static JsonNode json(Response r) throws Exception {
        return Json.lenient().readTree(r.body().string());
    }

    @Test
    void listsTheTenantsConversationsNewestFirstInPages() {
        http((server, client) -> {
            JsonNode first = json(get(client, "/api/whatsapp/conversations/" + TENANT + "?limit=1"));
            JsonNode second = json(get(client, "/api/whatsapp/conversations/" + TENANT + "?limit=1&offset=1"));
            JsonNode all = json(get(client, "/api/whatsapp/conversations/" + TENANT));

            assertThat(first.get("total").asLong()).isEqualTo(2);
            assertThat(first.get("conversations")).hasSize(1);
            JsonNode newest = first.get("conversations").get(0);
            assertThat(newest.get("phone").asText()).isEqualTo(PHONE);
            assertThat(newest.get("contactName").asText()).isEqualTo("Anna");
            assertThat(newest.get("messageCount").isNumber()).isTrue();
            assertThat(newest.get("messageCount").asLong()).isEqualTo(3);
            assertThat(second.get("conversations").get(0).get("phone").asText()).isEqualTo(OLDER_PHONE);
            assertThat(all.get("limit").asInt()).isEqualTo(20);
            assertThat(all.get("conversations").findValuesAsText("tenantId")).containsOnly(TENANT);
        });
    }

    @Test
    void listsAConversationsMessagesNewestFirstWithContentAsJson() {
        http((server, client) -> {
            Response response = get(client, "/api/whatsapp/conversations/" + TENANT + "/" + PHONE + "/messages");

            assertThat(response.code()).isEqualTo(200);
            JsonNode page = json(response);
            assertThat(page.get("conversationId").asText()).isEqualTo(TENANT + ":" + PHONE);
            assertThat(page.get("total").asLong()).isEqualTo(4); // the expired one is still indexed
            List<String> ids = page.get("messages").findValuesAsText("id");
            assertThat(ids).containsExactly("msg_a3", "msg_a2", "msg_a1");
            JsonNode image = page.get("messages").get(0);
            assertThat(image.get("content").get("type").asText()).isEqualTo("image");
            assertThat(image.get("content").get("caption").asText()).isEqualTo("kapsel");
            assertThat(image.get("history").isArray()).isTrue();
            assertThat(image.get("history").get(1).get("status").asText()).isEqualTo("read");
        });
    }

    @Test
    void pagesThroughMessages() {
        http((server, client) -> {
            JsonNode page = json(get(client, "/api/whatsapp/conversations/" + TENANT + "/" + PHONE
                    + "/messages?limit=2&offset=1"));

            // Newest first: msg_a3, msg_expired, msg_a2, msg_a1. Positions 1-2 hold the expired one, skipped.
            assertThat(page.get("messages").findValuesAsText("id")).containsExactly("msg_a2");
        });
    }

    @Test
    void readsOneMessage() {
        http((server, client) -> {
            Response response = get(client, "/api/whatsapp/messages/" + TENANT + "/msg_a2");

            assertThat(response.code()).isEqualTo(200);
            JsonNode message = json(response);
            assertThat(message.get("direction").asText()).isEqualTo("outbound");
            assertThat(message.get("status").asText()).isEqualTo("delivered");
            assertThat(message.get("content").get("body").asText()).isEqualTo("Hallo Anna");
        });
    }

    @Test
    void anotherTenantsMessageIsAsAbsentAsAMissingOne() {
        http((server, client) -> {
            Response others = get(client, "/api/whatsapp/messages/" + TENANT + "/msg_b1");
            Response missing = get(client, "/api/whatsapp/messages/" + TENANT + "/msg_nothing");

            assertThat(others.code()).isEqualTo(404);
            assertThat(missing.code()).isEqualTo(404);
            assertThat(others.body().string()).isEqualTo(missing.body().string())
                    .isEqualTo("{\"code\":\"not_found\",\"message\":\"message not found\"}");
        });
    }

    @Test
    void refusesBadPaging() {
        http((server, client) -> {
            assertThat(get(client, "/api/whatsapp/conversations/" + TENANT + "?limit=0").code()).isEqualTo(400);
            assertThat(get(client, "/api/whatsapp/conversations/" + TENANT + "?limit=101").code()).isEqualTo(400);
            assertThat(get(client, "/api/whatsapp/conversations/" + TENANT + "?offset=-1").code()).isEqualTo(400);
            assertThat(get(client, "/api/whatsapp/conversations/" + TENANT + "?limit=ten").code()).isEqualTo(400);
        });
    }
}
