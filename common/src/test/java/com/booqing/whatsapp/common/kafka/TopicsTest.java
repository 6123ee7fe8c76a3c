package com.booqing.whatsapp.common.kafka;

import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @Test
    void everyTopicHasADistinctNameUnderThePrefix() {
        Topics topics = Topics.withPrefix("it-42-", 3);

        assertThat(new HashSet<>(topics.all().stream().map(Topic::name).toList())).hasSize(topics.all().size());
        assertThat(topics.all()).allSatisfy(t -> assertThat(t.name()).startsWith("it-42-whatsapp."));
    }

    @Test
    void stateTopicsAreCompactedAndStreamsAreNot() {
        Topics topics = Topics.production();

        assertThat(topics.tenantConfig().compacted()).isTrue();
        assertThat(topics.endpoints().compacted()).isTrue();
        assertThat(topics.devices().compacted()).isTrue();
        assertThat(topics.endpointHealth().compacted()).isTrue();
        assertThat(topics.webhooksRaw().compacted()).isFalse();
        assertThat(topics.webhooksRaw().configs()).containsEntry("retention.ms", String.valueOf(14L * 86_400_000));
    }
}
