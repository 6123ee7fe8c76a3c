package com.booqing.whatsapp.processor.config;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamsSettingsTest {

    private static ProcessorConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> vars = new HashMap<>();
        vars.put(SecretBox.ENV, TestSecrets.KEYS);
        vars.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("streams-settings").toString());
        vars.putAll(extra);
        return ProcessorConfig.from(new Env(vars));
    }

    @Test
    void bothApplicationsCommitEveryTenMillisecondsByDefault() throws Exception {
        ProcessorConfig config = config(Map.of());

        assertThat(StreamsSettings.properties(config).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(10);
        assertThat(StreamsSettings.managementProperties(config).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .isEqualTo(10);
    }

    @Test
    void commitIntervalComesFromTheEnvironment() throws Exception {
        ProcessorConfig config = config(Map.of("PROCESSOR_COMMIT_INTERVAL_MS", "50"));

        Properties inbound = StreamsSettings.properties(config);
        assertThat(inbound.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50);
        assertThat(inbound.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(StreamsSettings.managementProperties(config).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .isEqualTo(50);
    }

    @Test
    void refusesACommitIntervalOutsideItsRange() {
        assertThatThrownBy(() -> config(Map.of("PROCESSOR_COMMIT_INTERVAL_MS", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PROCESSOR_COMMIT_INTERVAL_MS");
        assertThatThrownBy(() -> config(Map.of("PROCESSOR_COMMIT_INTERVAL_MS", "5000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PROCESSOR_COMMIT_INTERVAL_MS");
    }
}
