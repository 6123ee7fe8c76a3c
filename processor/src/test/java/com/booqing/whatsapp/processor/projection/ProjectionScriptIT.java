package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.projection.ProjectionScript.Call;
import com.booqing.whatsapp.processor.projection.ProjectionScript.Outcome;
import com.booqing.whatsapp.processor.projection.ProjectionScript.Result;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipelined batch of script calls against the real Redis: order and fencing per partition. */
@KafkaAndRedis
class ProjectionScriptIT {
    private final Infra infra;
    private RedisKeys keys;
    private ProjectionScript script;

    ProjectionScriptIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeEach
    void setUp() {
        keys = infra.newRedisKeys();
        script = new ProjectionScript(infra.redis());
    }

    @AfterEach
    void tearDown() {
        infra.deleteKeys(keys);
    }

    @Test
    void appliesABatchInOrderAndSkipsOffsetsAppliedBefore() {
        String offsetKey = keys.projectionOffset(RedisProjector.PROJECTION, "t", 0);
        script.apply(offsetKey, 10, RedisWrites.none());

        List<Result> results = script.applyAll(List.of(
                new Call(offsetKey, 10, set("a", "stale"), null),
                new Call(offsetKey, 11, set("a", "eleven"), 10L),
                new Call(offsetKey, 13, set("b", "thirteen"), 11L)));

        assertThat(results).extracting(Result::outcome)
                .containsExactly(Outcome.REPEAT, Outcome.APPLIED, Outcome.APPLIED);
        assertThat(infra.redis().get(keys.message("a"))).isEqualTo("eleven");
        assertThat(infra.redis().get(keys.message("b"))).isEqualTo("thirteen");
        assertThat(infra.redis().get(offsetKey)).isEqualTo("13");
    }

    @Test
    void aFailedCallHoldsBackTheRestOfItsPartitionButNotOtherPartitions() {
        String p0 = keys.projectionOffset(RedisProjector.PROJECTION, "t", 0);
        String p1 = keys.projectionOffset(RedisProjector.PROJECTION, "t", 1);
        infra.redis().set(keys.message("wrong-type"), "a string, not a hash");

        List<Result> results = script.applyAll(List.of(
                new Call(p0, 5, RedisWrites.none().hset(keys.message("wrong-type"),
                        RedisWrites.Fields.of().put("status", "sent")), null),
                new Call(p0, 6, set("after", "six"), 5L),
                new Call(p1, 7, set("other", "seven"), null)));

        assertThat(results.get(0).error()).isNotNull();
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.WAITING);
        assertThat(results.get(2).outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(infra.redis().get(keys.message("after"))).isNull();
        assertThat(infra.redis().get(p0)).isNull();
        assertThat(infra.redis().get(p1)).isEqualTo("7");

        // Once the failed record is settled, the held-back one applies; it was not fenced out.
        script.apply(p0, 5, RedisWrites.none());
        assertThat(script.applyAll(List.of(new Call(p0, 6, set("after", "six"), null))))
                .extracting(Result::outcome).containsExactly(Outcome.APPLIED);
        assertThat(infra.redis().get(keys.message("after"))).isEqualTo("six");
    }

    private RedisWrites set(String id, String value) {
        return RedisWrites.none().set(keys.message(id), value);
    }
}
