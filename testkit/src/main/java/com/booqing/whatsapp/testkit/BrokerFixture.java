package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.devstack.KafkaBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Chooses and starts the broker of a test JVM: a Testcontainers Kafka when a Docker engine answers, devstack's
 * embedded KRaft broker otherwise. TESTKIT_BROKER=embedded|container overrides the choice.
 */
public final class BrokerFixture {
    public static final String OVERRIDE_ENV = "TESTKIT_BROKER";
    public static final String IMAGE_ENV = "TESTKIT_KAFKA_IMAGE";
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

    private final BooleanSupplier dockerAvailable;
    private final String override;
    private final String image;

    /**
     * @param dockerAvailable answers whether a Docker engine is reachable; asked at most once, and not at all
     *                        when {@code override} decides
     * @param override        "embedded", "container" or null/blank to decide by {@code dockerAvailable}
     */
    public BrokerFixture(BooleanSupplier dockerAvailable, String override, String image) {
        this.dockerAvailable = dockerAvailable;
        this.override = override == null ? "" : override.trim().toLowerCase(Locale.ROOT);
        this.image = image == null || image.isBlank() ? DEFAULT_IMAGE : image.trim();
        if (!this.override.isEmpty() && !this.override.equals("embedded") && !this.override.equals("container")) {
            throw new IllegalArgumentException(OVERRIDE_ENV + " must be 'embedded' or 'container'");
        }
    }

    public BrokerFixture(BooleanSupplier dockerAvailable) {
        this(dockerAvailable, null, null);
    }

    /** Probes Docker with Testcontainers and honours TESTKIT_BROKER / TESTKIT_KAFKA_IMAGE. */
    public static BrokerFixture fromEnvironment() {
        return new BrokerFixture(BrokerFixture::dockerAnswers, System.getenv(OVERRIDE_ENV), System.getenv(IMAGE_ENV));
    }

    public TestBroker.Kind choose() {
        if (override.equals("embedded")) {
            return TestBroker.Kind.EMBEDDED;
        }
        if (override.equals("container")) {
            return TestBroker.Kind.CONTAINER;
        }
        return dockerAvailable.getAsBoolean() ? TestBroker.Kind.CONTAINER : TestBroker.Kind.EMBEDDED;
    }

    public String image() {
        return image;
    }

    public TestBroker start() {
        return start(choose());
    }

    public TestBroker start(TestBroker.Kind kind) {
        return kind == TestBroker.Kind.CONTAINER ? new Container(image) : new Embedded(KafkaBroker.start());
    }

    static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static final class Embedded implements TestBroker {
        private final KafkaBroker broker;

        Embedded(KafkaBroker broker) {
            this.broker = broker;
        }

        @Override
        public Kind kind() {
            return Kind.EMBEDDED;
        }

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String describe() {
            return broker.describe();
        }

        @Override
        public java.nio.file.Path logFile() {
            return broker.logFile();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    private static final class Container implements TestBroker {
        private final KafkaContainer container;
        private final long startMillis;

        Container(String image) {
            long t0 = System.nanoTime();
            // Same rule as production: topics exist only if the bootstrap created them.
            container = new KafkaContainer(image).withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            container.start();
            startMillis = (System.nanoTime() - t0) / 1_000_000;
        }

        @Override
        public Kind kind() {
            return Kind.CONTAINER;
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String describe() {
            return "Kafka: Testcontainers " + container.getDockerImageName() + " at " + bootstrapServers()
                    + " (started in " + String.format("%.1f", startMillis / 1000.0) + " s)";
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
