package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.ops.check.TestCommand;
import com.booqing.whatsapp.ops.init.InitCommand;
import com.booqing.whatsapp.ops.redrive.RedriveCommand;
import com.booqing.whatsapp.ops.replay.ReplayCommand;
import com.booqing.whatsapp.ops.status.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The operations tool: replay raw webhooks, redrive dead letters, and the brief's debug commands
 * ({@code whatsapp:test}, {@code whatsapp:status}, {@code whatsapp:init}). Exit codes: 0 done, 1 failed, 2 bad
 * arguments or configuration (nothing was read or written). ops/README.md.
 */
@Command(name = "whatsapp-ops", mixinStandardHelpOptions = true, versionProvider = OpsCommand.Version.class,
        description = {"Operations tool of the WhatsApp gateway. Reads the services' own environment variables "
                + "(KAFKA_BOOTSTRAP_SERVERS, REDIS_URL, WHATSAPP_TOPIC_PREFIX, WHATSAPP_REDIS_NAMESPACE, ...).",
                "Exit codes: 0 done, 1 failed, 2 bad arguments or configuration."},
        subcommands = {ReplayCommand.class, RedriveCommand.class, TestCommand.class, StatusCommand.class,
                InitCommand.class, CommandLine.HelpCommand.class})
public final class OpsCommand implements java.util.concurrent.Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_ARGUMENTS = 2;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "KEY=VALUE file read under the environment (set variables win), e.g. .run/local.env of "
                    + "./run-local.sh (INGRESS, SIMULATOR and ADMIN_KEY are understood)")
    Path envFile;

    private final Map<String, String> environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private OpsContext context;

    OpsCommand(Map<String, String> environment, PrintWriter out, PrintWriter err, Clock clock, LongSupplier nanoTime) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment));
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** Parses {@code args}, runs the command and answers its exit code; never exits the JVM. */
    public static int execute(Map<String, String> environment, PrintWriter out, PrintWriter err, Clock clock,
                              LongSupplier nanoTime, String... args) {
        CommandLine cli = new CommandLine(new OpsCommand(environment, out, err, clock, nanoTime));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(OpsCommand::badParameters);
        cli.setExecutionExceptionHandler(OpsCommand::failure);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The settings, read once when the first subcommand asks (after --env-file was parsed). */
    public synchronized OpsContext context() {
        if (context == null) {
            Map<String, String> vars = envFile == null ? environment : EnvFile.merge(envFile, environment);
            context = new OpsContext(OpsSettings.from(new Env(vars)), out, err, clock, nanoTime);
        }
        return context;
    }

    @Override
    public Integer call() {
        err.println("whatsapp-ops: a command is required");
        new CommandLine(this).usage(err);
        return BAD_ARGUMENTS;
    }

    private static int badParameters(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        return BAD_ARGUMENTS;
    }

    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (e instanceof BadArgumentsException || e instanceof ConfigException) {
            err.println(name + ": " + e.getMessage());
            return BAD_ARGUMENTS;
        }
        if (e instanceof OperationFailedException) {
            err.println(name + ": FAILED: " + e.getMessage());
            return FAILED;
        }
        // Messages of clients (Kafka, Redis, HTTP) name hosts and topics, never the secrets this tool holds.
        err.println(name + ": FAILED: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpsCommand.class.getPackage().getImplementationVersion();
            return new String[]{"whatsapp-ops " + (v == null ? "(development build)" : v)};
        }
    }
}
