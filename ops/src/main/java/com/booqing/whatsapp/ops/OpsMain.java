package com.booqing.whatsapp.ops;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** {@code java -jar ops/target/ops-<version>.jar <command> ...}, or {@code ./whatsapp-ops <command> ...}. */
public final class OpsMain {
    private OpsMain() {
    }

    public static void main(String[] args) {
        // Before the first logger: the services' logback.xml (in common) writes INFO as JSON to stdout, which would
        // mix with the tool's output. The tool's own configuration sends warnings, plain, to stderr.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "whatsapp-ops-logback.xml");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = OpsCommand.execute(System.getenv(), out, err, Clock.systemUTC(), System::nanoTime, args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
