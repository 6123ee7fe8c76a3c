package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyEntryTest {
    private static final SendResult SENT = new SendResult("msg_1", "acme", "k", "+31612345678",
            SendResult.Outcome.SENT, "ep_a", ProviderType.CLOUD_API, "wamid.1", null, null, 1,
            Instant.parse("2025-06-01T12:00:00Z"));

    @Test
    void completingAClaimWritesTheSameEntryAsReadingItBackWould() {
        IdempotencyEntry claim = new IdempotencyEntry("hash-a", "owner-1", Instant.parse("2030-01-01T00:00:00Z"),
                null);

        String completed = IdempotencyEntry.completed(claim.json(), SENT);

        assertThat(completed).isEqualTo(claim.withResult(SENT).json());
        assertThat(IdempotencyEntry.parse(completed)).contains(claim.withResult(SENT));
    }

    @Test
    void aClaimWrittenByHandIsTheEntryJacksonWouldWrite() {
        Instant lease = Instant.parse("2030-01-01T00:00:00.123456Z");
        String owner = "0b6f8a52-3d1c-4c4e-9a57-7d0c2a1e9f10";

        assertThat(IdempotencyEntry.claimJson("ab12", owner, lease))
                .isEqualTo(new IdempotencyEntry("ab12", owner, lease, null).json());
        assertThat(IdempotencyEntry.claimJson("a\"b", owner, lease))
                .isEqualTo(new IdempotencyEntry("a\"b", owner, lease, null).json());
    }

    @Test
    void resolvingAnEntryWrittenInAnotherShapeStillKeepsItsClaim() {
        String otherShape = "{\"owner\":\"owner-1\",\"bodyHash\":\"hash-a\",\"leaseUntil\":\"2030-01-01T00:00:00Z\"}";

        assertThat(IdempotencyEntry.parse(IdempotencyEntry.completed(otherShape, SENT)))
                .contains(new IdempotencyEntry("hash-a", "owner-1", Instant.parse("2030-01-01T00:00:00Z"), SENT));
    }
}
