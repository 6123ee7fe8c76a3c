package com.booqing.whatsapp.sender.dispatch;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionStateTest {
    private final PartitionState state = new PartitionState(new TopicPartition("t", 0));

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecord() {
        assertThat(state.toCommit()).isEmpty();
        state.read(10);
        state.read(11);
        state.read(12);

        state.finished(11);
        state.finished(12);
        assertThat(state.toCommit()).hasValue(10);

        state.finished(10);
        assertThat(state.toCommit()).hasValue(13);
    }

    @Test
    void offersAnOffsetOnlyOnceItMoved() {
        state.read(0);
        state.finished(0);
        state.committed(state.toCommit().getAsLong());

        assertThat(state.toCommit()).isEmpty();
        state.read(1);
        assertThat(state.toCommit()).isEmpty();
        state.finished(1);
        assertThat(state.toCommit()).hasValue(2);
    }
}
