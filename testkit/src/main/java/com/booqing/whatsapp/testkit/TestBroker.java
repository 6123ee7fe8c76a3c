package com.booqing.whatsapp.testkit;

/** A Kafka broker for integration tests, whichever way it runs. */
public interface TestBroker extends AutoCloseable {

    enum Kind {
        /** devstack's KRaft broker in a child JVM */
        EMBEDDED,
        /** Testcontainers' Kafka module in Docker */
        CONTAINER
    }

    Kind kind();

    String bootstrapServers();

    /** The broker's own log file when it runs as a child process of this JVM, else null. */
    default java.nio.file.Path logFile() {
        return null;
    }

    /** One line saying which broker this is and where. */
    String describe();

    @Override
    void close();
}
