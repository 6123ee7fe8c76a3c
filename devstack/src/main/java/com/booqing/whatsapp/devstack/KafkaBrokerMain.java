package com.booqing.whatsapp.devstack;

/**
 * Runs inside the broker's child JVM: formats the KRaft storage, then hands over to {@code kafka.Kafka}.
 * One JVM for both steps saves a JVM start-up.
 *
 * <p>Arguments: {@code <server.properties> <clusterId>}.
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <clusterId>");
            System.exit(2);
        }
        int rc = kafka.tools.StorageTool.execute(
                new String[]{"format", "--cluster-id", args[1], "--config", args[0], "--ignore-formatted"}, System.out);
        if (rc != 0) {
            System.err.println("formatting the broker's storage failed with exit code " + rc);
            System.exit(rc);
        }
        kafka.Kafka.main(new String[]{args[0]});
    }
}
