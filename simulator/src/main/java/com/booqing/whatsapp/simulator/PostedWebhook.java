package com.booqing.whatsapp.simulator;

import java.time.Instant;

/**
 * A webhook the simulator finished posting, successfully or not.
 *
 * @param kind      "message" or "status:sent", "status:delivered", ...
 * @param messageId the provider message id it was about
 * @param attempts  how many HTTP attempts were made
 * @param status    the last HTTP status answered, or 0 when the last attempt got no answer
 * @param delivered whether some attempt was answered 2xx
 */
public record PostedWebhook(Instant finishedAt, String kind, String messageId, String body, int attempts, int status,
                            boolean delivered) {
}
