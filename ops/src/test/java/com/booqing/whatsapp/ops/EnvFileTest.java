package com.booqing.whatsapp.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvFileTest {

    @Test
    void readsTheLocalStacksFileWithItsShortNamesAndLetsTheEnvironmentWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("local.env");
        Files.writeString(file, """
                # written by devstack's LocalStack; valid while it runs
                INGRESS=http://127.0.0.1:8080
                SIMULATOR=http://127.0.0.1:9090
                KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092
                REDIS_URL=redis://127.0.0.1:6379
                ADMIN_KEY=dev_0123456789abcdef
                export WHATSAPP_TOPIC_PREFIX="x-"
                """);

        Map<String, String> merged = EnvFile.merge(file, Map.of("REDIS_URL", "redis://10.0.0.5:6379"));

        assertThat(merged).containsEntry("OPS_INGRESS_URL", "http://127.0.0.1:8080")
                .containsEntry("OPS_SIMULATOR_URL", "http://127.0.0.1:9090")
                .containsEntry("WHATSAPP_ADMIN_API_KEY", "dev_0123456789abcdef")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092")
                .containsEntry("WHATSAPP_TOPIC_PREFIX", "x-")
                .containsEntry("REDIS_URL", "redis://10.0.0.5:6379");
    }

    @Test
    void aMissingFileIsABadArgument(@TempDir Path dir) {
        Cli.Result r = Cli.run(Map.of(), "--env-file", dir.resolve("nope.env").toString(), "status");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read the environment file");
    }
}
