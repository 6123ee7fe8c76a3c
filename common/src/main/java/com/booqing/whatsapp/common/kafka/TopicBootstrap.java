package com.booqing.whatsapp.common.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates every topic of the catalogue with its settings; topics that already exist are left as they are. */
public final class TopicBootstrap {
    private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

    private TopicBootstrap() {
    }

    /** @return the names of the topics this call created */
    public static List<String> ensure(String bootstrapServers, Topics topics) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            return ensure(admin, topics);
        }
    }

    public static List<String> ensure(Admin admin, Topics topics) {
        short rf = replicationFactor(admin);
        List<NewTopic> wanted = topics.all().stream().map(t -> t.newTopic(rf)).toList();
        CreateTopicsResult result = admin.createTopics(wanted);
        List<String> created = new ArrayList<>();
        for (NewTopic t : wanted) {
            try {
                result.values().get(t.name()).get(30, TimeUnit.SECONDS);
                created.add(t.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not answer while creating topic " + t.name(), e);
            }
        }
        if (!created.isEmpty()) {
            log.info("created topics {}", created);
        }
        return created;
    }

    /** Three replicas where the cluster has them, otherwise as many as there are brokers. */
    private static short replicationFactor(Admin admin) {
        try {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            return (short) Math.max(1, Math.min(3, brokers));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer at bootstrap", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
