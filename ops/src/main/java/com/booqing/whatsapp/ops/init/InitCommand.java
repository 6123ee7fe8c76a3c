package com.booqing.whatsapp.ops.init;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.management.ManagementCommand.TenantConfigPatch;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.KafkaAccess;
import com.booqing.whatsapp.ops.OperationFailedException;
import com.booqing.whatsapp.ops.OpsCommand;
import com.booqing.whatsapp.ops.OpsContext;
import com.booqing.whatsapp.ops.copy.Times;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code init} (the brief's {@code whatsapp:init}): one {@code tenant.init} management command per tenant on the
 * management-commands topic, then the processor's outcome of each. The processor is the single writer of tenants,
 * so the tool asks it as the ingress does, rather than writing configuration itself; it goes straight to Kafka
 * instead of through the REST API so that tenants can be set up before the ingress is exposed and without an
 * admin key on the network. Idempotent: the processor answers a tenant initialised with the same settings with
 * 200 and writes nothing; different settings are refused (409 tenant_exists: change them with an update).
 */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Initialises the configuration of each tenant given (brief: whatsapp:init). Idempotent: a tenant "
                + "already initialised with these settings is left as it is. Settings not given take the services' "
                + "WHATSAPP_* defaults."})
public final class InitCommand implements Callable<Integer> {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    @ParentCommand
    OpsCommand parent;

    @Parameters(paramLabel = "TENANT", arity = "0..*", description = "tenant ids")
    List<String> tenantIds;

    @Option(names = "--from-file", paramLabel = "FILE",
            description = "tenant ids one per line (blank lines and # comments ignored), e.g. exported from Booqing")
    java.nio.file.Path fromFile;

    @Option(names = "--failover-enabled", paramLabel = "true|false", arity = "1")
    Boolean failoverEnabled;

    @Option(names = "--auto-reconnect", paramLabel = "true|false", arity = "1")
    Boolean autoReconnect;

    @Option(names = "--reconnect-interval", paramLabel = "SECONDS")
    Integer reconnectInterval;

    @Option(names = "--health-check-interval", paramLabel = "SECONDS")
    Integer healthCheckInterval;

    @Option(names = "--webhook-retries", paramLabel = "N")
    Integer webhookRetries;

    @Option(names = "--message-timeout", paramLabel = "MS")
    Integer messageTimeout;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "how long to wait for the processor's answers (default 30s)")
    String timeout;

    @Option(names = "--dry-run", description = "print the commands, send nothing")
    boolean dryRun;

    private final SecureRandom random = new SecureRandom();

    @Override
    public Integer call() {
        OpsContext ctx = parent.context();
        LinkedHashSet<String> tenants = new LinkedHashSet<>(tenantIds == null ? List.of() : tenantIds);
        if (fromFile != null) {
            tenants.addAll(readTenantFile(fromFile));
        }
        if (tenants.isEmpty()) {
            throw new BadArgumentsException("name the tenants to initialise (TENANT... or --from-file FILE)");
        }
        for (String t : tenants) {
            if (!Ids.isValidTenantId(t)) {
                throw new BadArgumentsException("'" + t + "' is not a tenant id (1-63 letters, digits, '_' or '-', "
                        + "starting with a letter or digit, not dev_)");
            }
        }
        range("--reconnect-interval", reconnectInterval, 1, 86_400);
        range("--health-check-interval", healthCheckInterval, 1, 86_400);
        range("--webhook-retries", webhookRetries, 0, 20);
        range("--message-timeout", messageTimeout, 100, 600_000);
        Duration wait = Times.duration("--timeout", timeout);
        TenantConfigPatch patch = new TenantConfigPatch(null, failoverEnabled, autoReconnect, reconnectInterval,
                healthCheckInterval, webhookRetries, messageTimeout);
        Instant now = ctx.clock().instant();
        Map<String, ManagementCommand> commands = new LinkedHashMap<>();
        for (String t : tenants) {
            String id = "cmd_" + base62(16);
            commands.put(id, new ManagementCommand(id, t, now, new ManagementCommand.InitTenant(patch)));
        }
        Topic<String, ManagementCommand> commandTopic = ctx.settings().topics().managementCommands();
        if (dryRun) {
            JsonSerde<ManagementCommand> serde = (JsonSerde<ManagementCommand>) commandTopic.valueSerde();
            ctx.out().println("init (dry run, nothing sent): would write to " + commandTopic.name() + ":");
            commands.values().forEach(c -> ctx.out().println("  key " + c.tenantId() + "  "
                    + new String(serde.encode(c), StandardCharsets.UTF_8)));
            return OpsCommand.OK;
        }
        Map<String, CommandOutcome> outcomes = send(ctx, commands, wait);
        return report(ctx, commands, outcomes);
    }

    private Map<String, CommandOutcome> send(OpsContext ctx, Map<String, ManagementCommand> commands, Duration wait) {
        Topic<String, ManagementCommand> commandTopic = ctx.settings().topics().managementCommands();
        Topic<String, CommandOutcome> outcomeTopic = ctx.settings().topics().managementOutcomes();
        JsonSerde<CommandOutcome> outcomeSerde = (JsonSerde<CommandOutcome>) outcomeTopic.valueSerde();
        Map<String, CommandOutcome> outcomes = new LinkedHashMap<>();
        try (Consumer<byte[], byte[]> consumer = KafkaAccess.reader(ctx.settings(), "init")) {
            // Listen from the current end before sending, so no answer can slip past.
            List<TopicPartition> partitions = new com.booqing.whatsapp.ops.copy.RangeResolver(consumer,
                    KafkaAccess.API_TIMEOUT).partitions(outcomeTopic.name());
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            try (Producer<byte[], byte[]> producer = KafkaAccess.writer(ctx.settings(), "init")) {
                List<Future<?>> acks = new ArrayList<>();
                for (ManagementCommand c : commands.values()) {
                    acks.add(producer.send(new ProducerRecord<>(commandTopic.name(),
                            commandTopic.keySerde().serializer().serialize(commandTopic.name(), c.tenantId()),
                            commandTopic.valueSerde().serializer().serialize(commandTopic.name(), c))));
                }
                for (Future<?> ack : acks) {
                    ack.get(KafkaAccess.API_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
                }
            } catch (ExecutionException | TimeoutException e) {
                throw new OperationFailedException("Kafka did not take the commands: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationFailedException("interrupted");
            }
            long deadline = ctx.nanoTime().getAsLong() + wait.toNanos();
            while (outcomes.size() < commands.size() && ctx.nanoTime().getAsLong() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (key == null || !commands.containsKey(key) || r.value() == null) {
                        continue;
                    }
                    if (outcomeSerde.decode(r.value()) instanceof Decoded.Ok<CommandOutcome> ok) {
                        outcomes.put(key, ok.value());
                    }
                }
            }
        }
        return outcomes;
    }

    private static int report(OpsContext ctx, Map<String, ManagementCommand> commands,
                              Map<String, CommandOutcome> outcomes) {
        int created = 0;
        int unchanged = 0;
        int refused = 0;
        int unanswered = 0;
        for (var e : commands.entrySet()) {
            String tenant = e.getValue().tenantId();
            CommandOutcome o = outcomes.get(e.getKey());
            if (o == null) {
                unanswered++;
                ctx.out().println("  " + tenant + ": no answer from the processor in time (command " + e.getKey()
                        + " stays on " + ctx.settings().topics().managementCommands().name()
                        + " and is applied when the processor reads it)");
            } else if (o.status() == CommandOutcome.Status.APPLIED && o.httpStatus() == 201) {
                created++;
                ctx.out().println("  " + tenant + ": initialised");
            } else if (o.status() == CommandOutcome.Status.APPLIED) {
                unchanged++;
                ctx.out().println("  " + tenant + ": already initialised with these settings; unchanged");
            } else {
                refused++;
                ctx.out().println("  " + tenant + ": refused, " + o.httpStatus() + " " + o.code() + ": " + o.message());
            }
        }
        ctx.out().printf(Locale.ROOT, "init: %d initialised, %d already initialised, %d refused, %d unanswered%n",
                created, unchanged, refused, unanswered);
        return refused + unanswered == 0 ? OpsCommand.OK : OpsCommand.FAILED;
    }

    private static List<String> readTenantFile(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (java.io.IOException e) {
            throw new BadArgumentsException("cannot read --from-file " + file + ": " + e.getMessage());
        }
    }

    private static void range(String option, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new BadArgumentsException(option + " must be between " + min + " and " + max);
        }
    }

    private String base62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE62[random.nextInt(BASE62.length)];
        }
        return new String(out);
    }
}
