package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.booqing.whatsapp.sender.SimStage.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Senders with settings of their own: a low rate limit, two instances in one consumer group, a static member. */
@KafkaAndRedis
class SenderGroupIT {

    @Test
    void rateLimitIsHeld(Infra infra) throws Exception {
        try (SimStage stage = new SimStage(infra)) {
            Map<String, String> settings = SimStage.fastSettings();
            settings.put("SENDER_RATE_PER_SECOND_DEFAULT", "4");
            stage.startSender(settings);
            String tenant = infra.uniqueId("tenant");
            Endpoint endpoint = stage.cloud(tenant, true, 1);
            // A first message opens the connection, so that its setup does not bunch the measured calls up.
            assertThat(stage.send(stage.text(tenant, stage.recipient(), "warm-up")).outcome())
                    .isEqualTo(SendResult.Outcome.SENT);
            stage.simulator.clearRequests(endpoint.id());
            List<SendCommand> commands = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                commands.add(stage.text(tenant, stage.recipient(), "paced " + i));
            }

            for (SendCommand c : commands) {
                stage.publish(c);
            }

            assertThat(commands).allSatisfy(c -> assertThat(stage.await(c).outcome())
                    .isEqualTo(SendResult.Outcome.SENT));
            List<Instant> arrivals = stage.simulator.requests(endpoint.id()).stream()
                    .map(RecordedRequest::receivedAt).sorted().toList();
            assertThat(arrivals).hasSize(12);
            // 4 per second, burst 1: calls start a quarter second apart, so 12 take at least 2.75 s and a second
            // holds 5. Arrival times jitter on a busy machine: allow two more per second and 0.35 s less in all.
            for (Instant from : arrivals) {
                long inWindow = arrivals.stream().filter(t -> !t.isBefore(from)
                        && t.isBefore(from.plusSeconds(1))).count();
                assertThat(inWindow).as("calls in the second from %s of %s", from, arrivals).isLessThanOrEqualTo(7);
            }
            assertThat(Duration.between(arrivals.get(0), arrivals.get(11)))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2_400));
        }
    }

    @Test
    void twoSenderInstancesSharePartitions(Infra infra) throws Exception {
        try (SimStage stage = new SimStage(infra)) {
            Sender first = stage.startSender(SimStage.fastSettings());
            Sender second = stage.startSender(SimStage.fastSettings());
            int partitions = stage.topics.sendCommands().partitions();
            await().atMost(WAIT).until(() -> !first.assignment().isEmpty() && !second.assignment().isEmpty()
                    && union(first, second).size() == partitions);
            String tenant = infra.uniqueId("tenant");
            Endpoint endpoint = stage.cloud(tenant, true, 1);
            stage.simulator.fault(endpoint.id(), Fault.slow(Duration.ofMillis(150)));
            List<String> recipients = recipientsOnEveryPartition(stage, tenant, partitions);
            Map<String, List<SendCommand>> sent = new LinkedHashMap<>();

            publishRound(stage, tenant, recipients, sent, 1);
            publishRound(stage, tenant, recipients, sent, 2);
            awaitAllSent(stage, sent);
            assertThat(first.metrics().total(SenderMetrics.RESULTS)).isPositive();
            assertThat(second.metrics().total(SenderMetrics.RESULTS)).isPositive();

            // One instance leaves while work is in flight; the other takes its partitions over.
            publishRound(stage, tenant, recipients, sent, 3);
            CompletableFuture<Void> leaving = CompletableFuture.runAsync(() -> stage.stopped(first));
            publishRound(stage, tenant, recipients, sent, 4);
            leaving.get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> second.assignment().size() == partitions);
            publishRound(stage, tenant, recipients, sent, 5);
            awaitAllSent(stage, sent);

            List<RecordedRequest> requests = stage.simulator.requests(endpoint.id());
            Map<String, List<String>> bodiesByRecipient = new HashMap<>();
            for (RecordedRequest r : requests) {
                JsonNode body = Json.lenient().readTree(r.body());
                bodiesByRecipient.computeIfAbsent(body.path("to").asText(), k -> new ArrayList<>())
                        .add(body.path("text").path("body").asText());
            }
            // None lost, none sent twice, and every recipient got its messages in order across the handover.
            assertThat(requests).hasSize(recipients.size() * 5);
            for (String to : recipients) {
                assertThat(bodiesByRecipient.get(to)).containsExactly("round 1", "round 2", "round 3", "round 4",
                        "round 5");
            }
        }
    }

    @Test
    void staticSenderStoppedGracefullyLeavesItsGroupAtOnce(Infra infra) throws Exception {
        try (SimStage stage = new SimStage(infra);
             Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            Map<String, String> settings = SimStage.fastSettings();
            String instance = infra.uniqueId("sender");
            settings.put("SENDER_INSTANCE_ID", instance);
            Sender sender = stage.startSender(settings);
            await().atMost(WAIT).until(() -> !sender.assignment().isEmpty());
            assertThat(members(admin, stage.group)).extracting(m -> m.groupInstanceId().orElse(null))
                    .containsExactly(instance + "-commands");

            stage.stopped(sender);

            // Well under the 45 s session timeout: a static member that only closed would stay for all of it.
            await().atMost(10, TimeUnit.SECONDS).until(() -> members(admin, stage.group).isEmpty());
        }
    }

    private static Collection<MemberDescription> members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group).members();
    }

    private static Set<TopicPartition> union(Sender a, Sender b) {
        Set<TopicPartition> all = new HashSet<>(a.assignment());
        all.addAll(b.assignment());
        return all;
    }

    /** Two recipients per partition, chosen by the producer's own key hashing. */
    private static List<String> recipientsOnEveryPartition(SimStage stage, String tenant, int partitions) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        while (byPartition.values().stream().mapToInt(List::size).sum() < partitions * 2) {
            String to = stage.recipient();
            byte[] key = SendCommand.partitionKey(tenant, to).getBytes(StandardCharsets.UTF_8);
            int partition = Utils.toPositive(Utils.murmur2(key)) % partitions;
            List<String> list = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
            if (list.size() < 2) {
                list.add(to);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    private static void publishRound(SimStage stage, String tenant, List<String> recipients,
                                     Map<String, List<SendCommand>> sent, int round) throws Exception {
        for (String to : recipients) {
            SendCommand c = stage.text(tenant, to, "round " + round);
            sent.computeIfAbsent(to, k -> new ArrayList<>()).add(c);
            stage.publish(c);
        }
    }

    private static void awaitAllSent(SimStage stage, Map<String, List<SendCommand>> sent) {
        sent.values().stream().flatMap(List::stream).forEach(c -> {
            SendResult result = stage.await(c);
            assertThat(result.outcome()).as(c.messageId()).isEqualTo(SendResult.Outcome.SENT);
            assertThat(stage.results.all(c.messageId()))
                    .allSatisfy(r -> assertThat(r.providerMessageId()).isEqualTo(result.providerMessageId()));
        });
    }
}
