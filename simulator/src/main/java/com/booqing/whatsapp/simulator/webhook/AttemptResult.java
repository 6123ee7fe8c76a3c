package com.booqing.whatsapp.simulator.webhook;

/**
 * The outcome of one HTTP attempt.
 *
 * @param status the answered status, or 0 when no answer came
 * @param error  why no answer came, or null
 */
public record AttemptResult(int attempt, int status, String error) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
