package com.booqing.whatsapp.reliability.harness;

import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Topic prefixes and ids of one test, so that its services, topics and keys stay apart from everything else. */
public final class Names {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RAW = "whatsapp.webhooks.raw";

    private Names() {
    }

    /** The WHATSAPP_TOPIC_PREFIX a catalogue was built with (testkit's {@code newTopics()} does not expose it). */
    public static String prefixOf(Topics topics) {
        String raw = topics.webhooksRaw().name();
        return raw.substring(0, raw.length() - RAW.length());
    }

    /** A catalogue with prefix {@code rel-<hex>-} and {@code partitions} partitions, created on the broker. */
    public static Topics newTopics(String bootstrap, int partitions) {
        Topics topics = Topics.withPrefix("rel-" + random(6) + "-", partitions);
        TopicBootstrap.ensure(bootstrap, topics);
        return topics;
    }

    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
