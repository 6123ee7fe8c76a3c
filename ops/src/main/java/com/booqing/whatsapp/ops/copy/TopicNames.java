package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.ops.BadArgumentsException;

import java.util.stream.Collectors;

/** Finds a catalogue topic by the name an operator types: with or without the deployment's topic prefix. */
public final class TopicNames {
    private TopicNames() {
    }

    public static Topic<?, ?> resolve(Topics topics, String prefix, String name) {
        String n = name.strip();
        for (Topic<?, ?> t : topics.all()) {
            if (t.name().equals(n) || t.name().equals(prefix + n)) {
                return t;
            }
        }
        throw new BadArgumentsException("unknown topic '" + name + "'; the gateway's topics are "
                + topics.all().stream().map(Topic::name).collect(Collectors.joining(", ")));
    }
}
