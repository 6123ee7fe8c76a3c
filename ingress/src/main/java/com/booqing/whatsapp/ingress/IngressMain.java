package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration, starts the ingress, and closes it on shutdown. */
public final class IngressMain {
    private static final Logger log = LoggerFactory.getLogger(IngressMain.class);

    private IngressMain() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        Ingress ingress;
        try {
            IngressConfig config = IngressConfig.from(env);
            GatewayConfig gateway = GatewayConfig.from(env);
            ingress = new Ingress(config, IngressDependencies.production(gateway, SecretBox.fromEnv(env)));
        } catch (ConfigException e) {
            log.error("cannot start the ingress: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ingress::close, "ingress-shutdown"));
        try {
            ingress.start();
        } catch (RuntimeException e) {
            log.error("cannot start the ingress", e);
            System.exit(1);
        }
    }
}
