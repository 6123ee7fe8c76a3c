package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.processor.resource.EndpointView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Objects;

/**
 * What the management topology is built from besides the topic catalogue.
 *
 * @param gateway        defaults of a new tenant's configuration and devices, webhook URLs, private endpoints
 * @param secrets        opens sealed endpoint secrets to check them and to compute their masks
 * @param recentCommands how many command ids per tenant are remembered to answer a repeated command once
 */
public record ManagementSettings(GatewayConfig gateway, SecretBox secrets, int recentCommands, MeterRegistry meters) {
    public static final int DEFAULT_RECENT_COMMANDS = 256;

    public ManagementSettings {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(meters, "meters");
        if (recentCommands < 1) {
            throw new IllegalArgumentException("recentCommands must be positive");
        }
    }

    public static ManagementSettings of(GatewayConfig gateway, SecretBox secrets, MeterRegistry meters) {
        return new ManagementSettings(gateway, secrets, DEFAULT_RECENT_COMMANDS, meters);
    }

    public static ManagementSettings of(GatewayConfig gateway, SecretBox secrets) {
        return of(gateway, secrets, new SimpleMeterRegistry());
    }

    EndpointView endpointView() {
        return EndpointView.of(secrets, gateway);
    }

    EndpointUrlGuard urlGuard() {
        return EndpointUrlGuard.from(gateway);
    }
}
