package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.sender.provider.SendOutcome;

/** How the delivery of one command ended. */
public sealed interface DeliveryResult {

    /** A final outcome: sent, refused for good, or ambiguous. {@code endpoint} is the last one tried. */
    record Finished(Endpoint endpoint, SendOutcome outcome, int attempts) implements DeliveryResult {
    }

    /** Retries or the deadline ran out; {@code last} is the last failure. */
    record GaveUp(Endpoint endpoint, SendOutcome.Failed last, int attempts, String why) implements DeliveryResult {
    }

    /** Cancelled between steps; nothing to report. {@code mayHaveSent}: an earlier attempt's fate is open. */
    record Aborted(boolean mayHaveSent, int attempts) implements DeliveryResult {
    }
}
