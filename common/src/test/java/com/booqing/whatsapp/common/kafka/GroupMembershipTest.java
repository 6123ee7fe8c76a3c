package com.booqing.whatsapp.common.kafka;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupMembershipTest {

    @Test
    void withoutAnInstanceIdConsumersAreDynamicMembersWithTheDefaultSession() {
        GroupMembership m = GroupMembership.from(new Env(Map.of()), "SENDER");

        assertThat(m.isStatic()).isFalse();
        assertThat(m.consumerSettings("commands"))
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    }

    @Test
    void anInstanceIdNamesEachConsumerOfTheInstance() {
        GroupMembership m = GroupMembership.from(new Env(Map.of("SENDER_INSTANCE_ID", "sender-0",
                "SENDER_SESSION_TIMEOUT_MS", "6000")), "SENDER");

        assertThat(m.consumerSettings("commands"))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "sender-0-commands")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    }

    @Test
    void refusesAnInstanceIdThatIsNotAPlainName() {
        assertThatThrownBy(() -> GroupMembership.from(new Env(Map.of("PROCESSOR_INSTANCE_ID", "pod 1/a")),
                "PROCESSOR"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PROCESSOR_INSTANCE_ID");
    }

    @Test
    void refusesASessionTimeoutOutsideWhatBrokersAllow() {
        assertThatThrownBy(() -> GroupMembership.from(new Env(Map.of("SENDER_SESSION_TIMEOUT_MS", "1000")),
                "SENDER"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SENDER_SESSION_TIMEOUT_MS");
    }
}
