package com.booqing.whatsapp.simulator.cloudapi;

import com.booqing.whatsapp.simulator.HandshakeResult;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The GET Meta sends when a callback URL is configured:
 * {@code ?hub.mode=subscribe&hub.challenge=<random>&hub.verify_token=<token>}; the receiver must answer 200 with
 * the raw challenge (provider-wire-formats.md §1.2, Meta "Create a webhook endpoint").
 */
public final class WebhookHandshake {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookHandshake() {
    }

    public static HandshakeResult verify(HttpClient client, String webhookUrl, String verifyToken, Duration timeout)
            throws InterruptedException {
        String challenge = Long.toString(1_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 9_000_000_000L);
        String separator = webhookUrl.contains("?") ? "&" : "?";
        URI uri = URI.create(webhookUrl + separator + "hub.mode=subscribe&hub.challenge=" + challenge
                + "&hub.verify_token=" + URLEncoder.encode(verifyToken, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean echoed = response.statusCode() == 200 && challenge.equals(response.body());
            return new HandshakeResult(response.statusCode(), challenge, echoed);
        } catch (IOException e) {
            return new HandshakeResult(0, challenge, false);
        }
    }
}
