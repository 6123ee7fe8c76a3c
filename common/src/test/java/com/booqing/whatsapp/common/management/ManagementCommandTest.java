package com.booqing.whatsapp.common.management;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementCommandTest {
    private final JsonSerde<ManagementCommand> serde = JsonSerde.of(ManagementCommand.class);

    @Test
    void namesItsActionWithADottedTypeAndReadsBack() {
        var cmd = new ManagementCommand("cmd-1", "salon-1", Instant.parse("2026-01-01T00:00:00Z"),
                new ManagementCommand.UpdateTenant(new ManagementCommand.TenantConfigPatch(
                        null, false, null, null, 30, null, null)));

        byte[] bytes = serde.encode(cmd);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"type\":\"tenant.update\"");
        assertThat(serde.decode(bytes)).isEqualTo(Decoded.ok(cmd));
    }

    @Test
    void anUnknownActionIsABadRecord() {
        byte[] bytes = ("{\"commandId\":\"c\",\"tenantId\":\"t\",\"action\":{\"type\":\"tenant.explode\"}}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(serde.decode(bytes)).isInstanceOf(Decoded.Bad.class);
    }
}
