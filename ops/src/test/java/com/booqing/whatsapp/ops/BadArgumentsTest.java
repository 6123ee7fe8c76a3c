package com.booqing.whatsapp.ops;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arguments that make no sense are refused with exit code 2 and a message that says what is wrong, before the tool
 * touches Kafka or Redis (the environment here points at nothing). Refusals that need the broker or Redis to decide
 * (unknown tenant, range over the cap, topic missing on the broker) are in {@code ReplayIT}.
 */
class BadArgumentsTest {
    /** Nothing listens on port 1: a refusal that reached for the broker or Redis would fail differently. */
    private static final Map<String, String> NOWHERE = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
            "REDIS_URL", "redis://127.0.0.1:1");

    private static Cli.Result run(String... args) {
        return Cli.run(NOWHERE, args);
    }

    @Test
    void replayOfARangeInTheFutureIsRefused() {
        String tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

        Cli.Result r = run("replay", "--tenant", "demo", "--from", tomorrow);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--from " + tomorrow + " is in the future");
    }

    @Test
    void replayEndingInTheFutureIsRefused() {
        String inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();

        Cli.Result r = run("replay", "--all-tenants", "--from", "2h", "--to", inAnHour);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--to " + inAnHour + " is in the future").contains("leave --to out");
    }

    @Test
    void replayWithTheRangeBackwardsIsRefused() {
        Cli.Result r = run("replay", "--all-tenants", "--from", "1h", "--to", "2h");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("must be before --to");
    }

    @Test
    void replayOfAnUnknownTopicIsRefusedListingTheTopics() {
        Cli.Result r = run("replay", "--tenant", "demo", "--from", "1h", "--topic", "whatsapp.webhooks.rawr");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("unknown topic 'whatsapp.webhooks.rawr'").contains("whatsapp.webhooks.raw,");
    }

    @Test
    void replayOfADeadLetterTopicPointsToRedrive() {
        Cli.Result r = run("replay", "--tenant", "demo", "--from", "1h", "--topic", "whatsapp.webhooks.dlq");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("only whatsapp.webhooks.raw is replayed").contains("redrive");
    }

    @Test
    void replayWithoutARangeIsRefused() {
        Cli.Result r = run("replay", "--tenant", "demo");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("say which records");
    }

    @Test
    void replayMustSayWhoseRecords() {
        Cli.Result neither = run("replay", "--from", "1h");
        Cli.Result both = run("replay", "--from", "1h", "--tenant", "demo", "--all-tenants");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("--tenant TENANT (repeatable) or --all-tenants");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
    }

    @Test
    void replayOfANonsenseTenantIdIsRefusedBeforeLookingItUp() {
        Cli.Result r = run("replay", "--tenant", "demo:*", "--from", "1h");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'demo:*' is not a tenant id");
    }

    @Test
    void timesAndOffsetsTogetherAreRefused() {
        Cli.Result r = run("replay", "--tenant", "demo", "--from", "1h", "--offsets", "0:1-5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("not both");
    }

    @Test
    void malformedOffsetsAreRefused() {
        Cli.Result garbled = run("replay", "--tenant", "demo", "--offsets", "zero:1-5");
        Cli.Result backwards = run("replay", "--tenant", "demo", "--offsets", "0:9-5");

        assertThat(garbled.exitCode()).isEqualTo(2);
        assertThat(garbled.err()).contains("is not PARTITION:FROM-TO");
        assertThat(backwards.exitCode()).isEqualTo(2);
        assertThat(backwards.err()).contains("TO must be greater than FROM");
    }

    @Test
    void aTimeThatIsNotATimeIsRefused() {
        Cli.Result r = run("replay", "--tenant", "demo", "--from", "yesterday");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--from 'yesterday' is not a time");
    }

    @Test
    void redriveOfATopicThatIsNotADeadLetterTopicIsRefused() {
        Cli.Result unknown = run("redrive", "--topic", "whatsapp.dlq", "--all-tenants");
        Cli.Result notDlq = run("redrive", "--topic", "whatsapp.events", "--all-tenants");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown topic 'whatsapp.dlq'");
        assertThat(notDlq.exitCode()).isEqualTo(2);
        assertThat(notDlq.err()).contains("whatsapp.events is not a dead-letter topic");
    }

    @Test
    void unknownOptionsAndMissingCommandsGetUsageHelp() {
        Cli.Result option = run("replay", "--tenant", "demo", "--from", "1h", "--everything");
        Cli.Result none = run();

        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).contains("Unknown option: '--everything'").contains("whatsapp-ops replay --help");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("a command is required");
    }

    @Test
    void initRefusesBadTenantIdsAndOutOfRangeSettings() {
        Cli.Result none = run("init");
        Cli.Result id = run("init", "good-one", "dev_looks_like_a_device");
        Cli.Result range = run("init", "salon", "--webhook-retries", "99");

        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("name the tenants to initialise");
        assertThat(id.exitCode()).isEqualTo(2);
        assertThat(id.err()).contains("'dev_looks_like_a_device' is not a tenant id");
        assertThat(range.exitCode()).isEqualTo(2);
        assertThat(range.err()).contains("--webhook-retries must be between 0 and 20");
    }

    @Test
    void testRefusesANumberThatIsNotE164AndRunsOnlyWithTheAdminKey() {
        Cli.Result phone = run("test", "demo", "--to", "call-me");
        Cli.Result key = run("test", "demo", "--to", "+14155550123");

        assertThat(phone.exitCode()).isEqualTo(2);
        assertThat(phone.err()).contains("--to 'call-me' is not a phone number in E.164");
        assertThat(key.exitCode()).isEqualTo(2);
        assertThat(key.err()).contains("needs the ingress's admin key in WHATSAPP_ADMIN_API_KEY");
    }

    @Test
    void invalidConfigurationIsRefusedNamingTheVariableNotItsValue() {
        Cli.Result r = Cli.run(Map.of("REDIS_URL", "not a url with secret-ish-value"), "status");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("REDIS_URL").doesNotContain("secret-ish-value");
    }
}
