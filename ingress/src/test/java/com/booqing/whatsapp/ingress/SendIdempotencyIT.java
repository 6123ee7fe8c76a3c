package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.CommandFingerprint;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The send route's early answer to a reused idempotency key, from the record the sender keeps in Redis. */
@KafkaAndRedis
class SendIdempotencyIT {
    static final String TENANT = "salon-a";
    static final String SEND = "/api/whatsapp/messages/" + TENANT;
    static final String KEY = "booking-42-reminder";
    static final String FIRST_MESSAGE_ID = "msg_first_send_of_booking_42";

    final Infra infra;
    final RedisKeys keys;
    final JedisPooled redis;
    final MockProducer<byte[], byte[]> producer = TestIngress.producer(true);
    Ingress ingress;

    SendIdempotencyIT(Infra infra) {
        this.infra = infra;
        this.keys = infra.newRedisKeys();
        this.redis = infra.redis();
    }

    @AfterEach
    void cleanUp() {
        if (ingress != null) {
            ingress.close();
        }
        infra.deleteKeys(keys);
    }

    /** Mirrors the sender's IdempotencyEntry, written with the same mapper, so the seed is what the sender stores. */
    record SenderRecord(String bodyHash, String owner, Instant leaseUntil, SendResult result) {
    }

    /** The record the sender leaves after sending "Hello" to +31612345678 under {@link #KEY}. */
    void seedSentHello() throws Exception {
        String hash = CommandFingerprint.of(TENANT, "+31612345678", null, null,
                new MessageContent.Text("Hello", null));
        SendResult sent = new SendResult(FIRST_MESSAGE_ID, TENANT, KEY, "+31612345678", SendResult.Outcome.SENT,
                "ep_primary", ProviderType.CLOUD_API, "wamid.first", null, null, 1, TestIngress.NOW);
        SenderRecord entry = new SenderRecord(hash, UUID.randomUUID().toString(), TestIngress.NOW.plusSeconds(60),
                sent);
        redis.setex(keys.idempotency(TENANT, KEY), 600, Json.lenient().writeValueAsString(entry));
    }

    void http(TestCase test) {
        JedisPooled own = RedisClients.pooled(infra.redisUri(), 4);
        ingress = TestIngress.create(producer, new InMemoryEndpointDirectory(), TestEndpoints.newSecretBox(),
                Topics.withPrefix("unused.", 1), own, keys);
        JavalinTest.test(ingress.javalin(), test);
    }

    static JsonNode json(Response r) throws Exception {
        return Json.lenient().readTree(r.body().string());
    }

    @Test
    void reusedKeyWithDifferentBodyIsRefusedWith422() throws Exception {
        seedSentHello();
        http((server, client) -> {
            Response response = IngressApiTest.send(client, SEND,
                    "{\"to\":\"+31612345678\",\"type\":\"text\",\"content\":\"Goodbye\"}",
                    Map.of("Idempotency-Key", KEY));

            assertThat(response.code()).isEqualTo(422);
            JsonNode body = json(response);
            assertThat(body.get("code").asText()).isEqualTo("idempotency_conflict");
            assertThat(body.get("message").asText()).contains(KEY).doesNotContain("Goodbye");
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void reusedKeyWithSameBodyAnswers202WithTheSameMessageId() throws Exception {
        seedSentHello();
        http((server, client) -> {
            // Without the '+': the fingerprint is taken over the E.164 form, as in the sender.
            Response response = IngressApiTest.send(client, SEND,
                    "{\"to\":\"31612345678\",\"type\":\"text\",\"content\":\"Hello\",\"idempotencyKey\":\"" + KEY
                            + "\"}", Map.of());

            assertThat(response.code()).isEqualTo(202);
            JsonNode body = json(response);
            assertThat(body.get("messageId").asText()).isEqualTo(FIRST_MESSAGE_ID);
            assertThat(body.get("idempotencyKey").asText()).isEqualTo(KEY);
            // Still published: the sender answers a retry by replaying its stored result.
            assertThat(producer.history()).hasSize(1);
        });
    }
}
