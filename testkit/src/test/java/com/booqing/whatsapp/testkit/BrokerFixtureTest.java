package com.booqing.whatsapp.testkit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerFixtureTest {

    @Test
    void choosesEmbeddedBrokerWhenNoDockerEngineAnswers() {
        assertThat(new BrokerFixture(() -> false).choose()).isEqualTo(TestBroker.Kind.EMBEDDED);
    }

    @Test
    void choosesContainerWhenDockerEngineAnswers() {
        assertThat(new BrokerFixture(() -> true).choose()).isEqualTo(TestBroker.Kind.CONTAINER);
    }

    @Test
    void overrideDecidesWithoutAskingDocker() {
        AtomicInteger probes = new AtomicInteger();
        BrokerFixture forcedEmbedded = new BrokerFixture(() -> probes.incrementAndGet() > 0, "embedded", null);
        BrokerFixture forcedContainer = new BrokerFixture(() -> probes.incrementAndGet() < 0, "Container", null);

        assertThat(forcedEmbedded.choose()).isEqualTo(TestBroker.Kind.EMBEDDED);
        assertThat(forcedContainer.choose()).isEqualTo(TestBroker.Kind.CONTAINER);
        assertThat(probes).hasValue(0);
    }

    @Test
    void rejectsUnknownOverride() {
        assertThatThrownBy(() -> new BrokerFixture(() -> false, "zookeeper", null))
                .hasMessageContaining(BrokerFixture.OVERRIDE_ENV);
    }

    @Test
    void usesTheKafkaImageUnlessToldOtherwise() {
        assertThat(new BrokerFixture(() -> true).image()).isEqualTo(BrokerFixture.DEFAULT_IMAGE);
        assertThat(new BrokerFixture(() -> true, null, "apache/kafka:4.2.0").image()).isEqualTo("apache/kafka:4.2.0");
    }

    @Test
    void realProbeSaysNoWhenNoEngineRuns() {
        // This machine has no Docker engine; where one runs, the probe may rightly say yes.
        org.junit.jupiter.api.Assumptions.assumeFalse(
                java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock")) || System.getenv("DOCKER_HOST") != null,
                "a Docker engine may be present");
        assertThat(new BrokerFixture(BrokerFixture::dockerAnswers).choose()).isEqualTo(TestBroker.Kind.EMBEDDED);
    }
}
