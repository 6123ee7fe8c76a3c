package com.booqing.whatsapp.sender.provider;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads at most {@code max} bytes of a response body and drops the connection's remaining bytes, so that an
 * endpoint answering with an endless body cannot exhaust the sender's memory; and a body not complete by a deadline
 * fails with a {@link TimeoutException} and drops the connection, so that a body trickling in cannot hold a worker
 * (the client's request timeout ends when the answer's head arrives).
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    LimitedBody(int max) {
        this.max = max;
    }

    /** @param deadlineNanos {@link System#nanoTime()} by which the whole body must be in */
    static HttpResponse.BodyHandler<byte[]> handler(int max, long deadlineNanos) {
        return info -> {
            LimitedBody body = new LimitedBody(max);
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            body.result.orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((b, failure) -> {
                if (failure instanceof TimeoutException) {
                    body.cancelSubscription();
                }
            });
            return body;
        };
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (result.isCompletedExceptionally()) {
            s.cancel(); // timed out before the body began
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    private void cancelSubscription() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            int n = Math.min(b.remaining(), max - out.size());
            byte[] chunk = new byte[n];
            b.get(chunk);
            out.write(chunk, 0, n);
        }
        if (out.size() >= max) {
            result.complete(out.toByteArray());
            subscription.cancel();
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }
}
