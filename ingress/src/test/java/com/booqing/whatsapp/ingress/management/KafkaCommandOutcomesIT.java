package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Outcomes from the real broker reach the request waiting for them, whichever partition they are on. */
@KafkaAndRedis
class KafkaCommandOutcomesIT {
    final Infra infra;
    final Topics topics;

    KafkaCommandOutcomesIT(Infra infra) {
        this.infra = infra;
        this.topics = infra.newTopics();
    }

    CommandOutcome outcome(String commandId) {
        return new CommandOutcome(commandId, "salon-a", CommandOutcome.Status.APPLIED, 201, "applied", null, "ep_1",
                null, null, Instant.parse("2025-06-01T12:00:00Z"));
    }

    void publish(KafkaProducer<byte[], byte[]> producer, CommandOutcome o) throws Exception {
        producer.send(AckedPublisher.encode(topics.managementOutcomes(),
                new ProducerRecord<>(topics.managementOutcomes().name(), o.commandId(), o))).get();
    }

    @Test
    void deliversOutcomesPublishedAfterStartToTheirWaitingRequests() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(
                infra.bootstrapServers(), "it-outcomes", Duration.ofSeconds(10), Duration.ofSeconds(30)));
             KafkaCommandOutcomes outcomes = new KafkaCommandOutcomes(infra.bootstrapServers(),
                     topics.managementOutcomes(), "it-outcomes-reader")) {
            publish(producer, outcome("cmd_before0000000001"));
            outcomes.start();
            await().atMost(Duration.ofSeconds(30)).until(outcomes::isReady);

            Optional<CommandOutcome> old;
            try (CommandOutcomes.Pending waiting = outcomes.expect("cmd_before0000000001")) {
                old = waiting.await(Duration.ofMillis(500));
            }
            Optional<CommandOutcome> received;
            try (CommandOutcomes.Pending first = outcomes.expect("cmd_first00000000001");
                 CommandOutcomes.Pending second = outcomes.expect("cmd_second0000000001")) {
                publish(producer, outcome("cmd_second0000000001"));
                publish(producer, outcome("cmd_first00000000001"));
                received = first.await(Duration.ofSeconds(10));
                assertThat(second.await(Duration.ofSeconds(10))).isPresent();
            }

            assertThat(old).as("outcomes from before start-up are not replayed").isEmpty();
            assertThat(received).get().extracting(CommandOutcome::commandId).isEqualTo("cmd_first00000000001");
            assertThat(outcomes.waiting()).isZero();
        }
    }
}
