package com.booqing.whatsapp.processor.testing;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.processor.resource.EndpointView;

import java.util.HashMap;
import java.util.Map;

/** A fresh encryption key per test run, and what is built from it. */
public final class TestSecrets {
    public static final String KEYS = Canaries.encryptionKeys("test");
    public static final SecretBox BOX = SecretBox.fromEnv(new Env(Map.of(SecretBox.ENV, KEYS)));
    public static final String WEBHOOK_BASE = "https://gateway.example.com";

    private TestSecrets() {
    }

    /** The gateway settings of a test, with the given variables on top of the defaults. */
    public static GatewayConfig gateway(Map<String, String> vars) {
        Map<String, String> all = new HashMap<>(Map.of("WHATSAPP_WEBHOOK_BASE_URL", WEBHOOK_BASE));
        all.putAll(vars);
        return GatewayConfig.from(new Env(all));
    }

    public static GatewayConfig gateway() {
        return gateway(Map.of());
    }

    public static EndpointView endpointView() {
        return EndpointView.of(BOX, gateway());
    }

    public static Sealed seal(String tenantId, String endpointId, String field, String plaintext) {
        return BOX.seal(plaintext, Endpoint.secretContext(tenantId, endpointId, field));
    }
}
