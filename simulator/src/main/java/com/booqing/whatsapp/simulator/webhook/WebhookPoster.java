package com.booqing.whatsapp.simulator.webhook;

import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Posts webhooks like a provider does: the exact signed bytes and headers on every attempt, non-2xx answers and
 * connection failures retried with doubling backoff, but bounded (Meta retries for days, WAHA 15 times, Evolution
 * 10 times with up to 300 s between; a test run cannot wait that long). Statuses the provider treats as final stop
 * the retries.
 */
public final class WebhookPoster {

    private static final Logger log = LoggerFactory.getLogger(WebhookPoster.class);

    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final SimulatorConfig config;
    private final Clock clock;

    /** @param scheduler runs delayed retries; must accept tasks for as long as the poster is used */
    public WebhookPoster(HttpClient client, ScheduledExecutorService scheduler,
                         SimulatorConfig config, Clock clock) {
        this.client = client;
        this.scheduler = scheduler;
        this.config = config;
        this.clock = clock;
    }

    public Delivery post(URI target, OutboundWebhook webhook, WebhookCounters counters,
                         Consumer<PostedWebhook> finished) {
        counters.posted.incrementAndGet();
        CompletableFuture<AttemptResult> first = new CompletableFuture<>();
        CompletableFuture<AttemptResult> outcome = new CompletableFuture<>();
        attempt(target, webhook, counters, 1, first, outcome);
        outcome.whenComplete((result, error) -> {
            AttemptResult last = result != null ? result : new AttemptResult(0, 0, String.valueOf(error));
            if (last.ok()) {
                counters.delivered.incrementAndGet();
            } else {
                counters.abandoned.incrementAndGet();
                log.warn("webhook {} for {} abandoned after {} attempts (last status {}, {})", webhook.kind(),
                        webhook.messageId(), last.attempt(), last.status(), last.error());
            }
            finished.accept(new PostedWebhook(clock.instant(), webhook.kind(), webhook.messageId(),
                    webhook.bodyText(), last.attempt(), last.status(), last.ok()));
        });
        return new Delivery(first, outcome);
    }

    private void attempt(URI target, OutboundWebhook webhook, WebhookCounters counters, int attempt,
                         CompletableFuture<AttemptResult> first, CompletableFuture<AttemptResult> outcome) {
        counters.attempts.incrementAndGet();
        if (attempt > 1) {
            counters.retries.incrementAndGet();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(config.webhookTimeout())
                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
        webhook.headers().forEach(request::header);
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            sent = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent
                .handle((response, error) -> response != null
                        ? new AttemptResult(attempt, response.statusCode(), null)
                        : new AttemptResult(attempt, 0, describe(error)))
                .thenAccept(result -> {
                    first.complete(result);
                    // A provider stops at its own non-retryable statuses (Evolution: 400, 401, 403, 404, 422).
                    if (result.ok() || attempt >= config.webhookMaxAttempts()
                            || webhook.finalStatuses().contains(result.status())) {
                        outcome.complete(result);
                        return;
                    }
                    Duration wait = backoff(attempt);
                    try {
                        scheduler.schedule(() -> attempt(target, webhook, counters, attempt + 1, first, outcome),
                                wait.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RuntimeException rejected) {
                        // The simulator is closing; stop retrying.
                        outcome.complete(result);
                    }
                });
    }

    private Duration backoff(int attempt) {
        Duration wait = config.webhookInitialBackoff().multipliedBy(1L << Math.min(attempt - 1, 16));
        return wait.compareTo(config.webhookMaxBackoff()) > 0 ? config.webhookMaxBackoff() : wait;
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
