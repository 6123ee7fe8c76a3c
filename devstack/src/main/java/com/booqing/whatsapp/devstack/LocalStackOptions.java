package com.booqing.whatsapp.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line flags of {@link LocalStack}; each falls back to an environment variable, then a default. */
record LocalStackOptions(
        List<ServiceSpec> services,
        int ingressPort,
        int simulatorPort,
        int kafkaPort,
        String redisUrl,
        Path projectDir,
        Path runDir,
        boolean seedDemo,
        boolean exitAfterReady,
        boolean help) {

    static final String USAGE = String.join("\n",
            "Runs the whole gateway on this machine: a Kafka broker, Redis, the provider simulator and every service.",
            "",
            "usage: run-local.sh [options]",
            "  --services a,b,...     services to run (default: simulator,ingress,processor,sender,health-monitor;",
            "                         'none' runs only Kafka and Redis)",
            "  --ingress-port N       ingress HTTP port (env INGRESS_PORT, default 8080)",
            "  --simulator-port N     simulator admin port (env SIMULATOR_PORT, default 9090)",
            "  --kafka-port N         broker port on 127.0.0.1 (env DEVSTACK_KAFKA_PORT, default: a free port)",
            "  --redis-url URL        use this Redis if it answers (env REDIS_URL; default: start redis-server)",
            "  --project-dir DIR      the repository root (default: found from the working directory)",
            "  --run-dir DIR          logs and state (default: <project>/.run)",
            "  --no-demo              do not register the demo tenant and endpoint",
            "  --exit-after-ready     stop everything right after READY (a smoke test of the stack)",
            "  --help");

    static LocalStackOptions parse(String[] args, Map<String, String> env) {
        List<ServiceSpec> services = new ArrayList<>(ServiceSpec.ALL);
        int ingressPort = port("INGRESS_PORT", env.get("INGRESS_PORT"), 8080);
        int simulatorPort = port("SIMULATOR_PORT", env.get("SIMULATOR_PORT"), 9090);
        int kafkaPort = port("DEVSTACK_KAFKA_PORT", env.get("DEVSTACK_KAFKA_PORT"), 0);
        String redisUrl = blankToNull(env.get("REDIS_URL"));
        Path projectDir = null;
        Path runDir = null;
        boolean seed = true;
        boolean exitAfterReady = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                inline = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--services" -> services = services(inline != null ? inline : value(args, ++i, a));
                case "--ingress-port" -> ingressPort = port(a, inline != null ? inline : value(args, ++i, a), 8080);
                case "--simulator-port" -> simulatorPort = port(a, inline != null ? inline : value(args, ++i, a), 9090);
                case "--kafka-port" -> kafkaPort = port(a, inline != null ? inline : value(args, ++i, a), 0);
                case "--redis-url" -> redisUrl = inline != null ? inline : value(args, ++i, a);
                case "--project-dir" -> projectDir = Paths.get(inline != null ? inline : value(args, ++i, a));
                case "--run-dir" -> runDir = Paths.get(inline != null ? inline : value(args, ++i, a));
                case "--no-demo" -> seed = false;
                case "--exit-after-ready" -> exitAfterReady = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n\n" + USAGE);
            }
        }
        if (projectDir == null) {
            projectDir = findProjectDir();
        }
        projectDir = projectDir.toAbsolutePath().normalize();
        if (runDir == null) {
            runDir = projectDir.resolve(".run");
        }
        return new LocalStackOptions(List.copyOf(services), ingressPort, simulatorPort, kafkaPort, redisUrl,
                projectDir, runDir.toAbsolutePath().normalize(), seed, exitAfterReady, help);
    }

    boolean runs(String service) {
        return services.stream().anyMatch(s -> s.name().equals(service));
    }

    private static List<ServiceSpec> services(String list) {
        if (list.isBlank() || list.trim().equalsIgnoreCase("none")) {
            return List.of();
        }
        Set<ServiceSpec> chosen = new LinkedHashSet<>();
        for (String n : list.split(",")) {
            if (n.isBlank()) {
                continue;
            }
            chosen.add(ServiceSpec.named(n).orElseThrow(() -> new IllegalArgumentException(
                    "unknown service '" + n.trim() + "'; known: simulator, ingress, processor, sender, health-monitor")));
        }
        // Start in catalogue order whatever order the flag gave.
        return ServiceSpec.ALL.stream().filter(chosen::contains).toList();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String name, String value, int defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int p = Integer.parseInt(value.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number 0..65535");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The working directory when it is the repository root, else the root above devstack's own jar. */
    private static Path findProjectDir() {
        Path cwd = Paths.get("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("devstack").resolve("pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        // devstack/target/devstack-<v>.jar or devstack/target/classes
        Path own = Jvm.ownCodeSource().toAbsolutePath();
        for (Path p = own; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("devstack").resolve("pom.xml"))) {
                return p;
            }
        }
        return cwd;
    }
}
