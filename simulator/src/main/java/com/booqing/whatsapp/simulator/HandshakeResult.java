package com.booqing.whatsapp.simulator;

/**
 * The outcome of Meta's webhook verification GET against the webhook URL.
 *
 * @param status    the HTTP status answered, or 0 when no answer came
 * @param challenge the hub.challenge the simulator sent
 * @param echoed    whether the receiver answered 200 with exactly the challenge, which is what Meta requires
 */
public record HandshakeResult(int status, String challenge, boolean echoed) {
}
