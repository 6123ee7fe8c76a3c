package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.ingress.http.Caller;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One open stream. Frames wait in a queue bounded in bytes and are written with the servlet's non-blocking
 * output: a write happens only when the connection can take it, so no thread ever waits on a slow client. A
 * client whose queue overflows is disconnected (its browser reconnects and resumes); the feed and the other
 * clients never wait for it.
 *
 * <p>Locking: the hub calls {@link #offer} holding its tenant channel's lock; this class never calls back into the
 * hub under its own lock. Closing is handed to {@code completions}, which tells the hub and ends the request.
 */
final class StreamSession implements WriteListener, AsyncListener {
    /** Why a stream ended, for the metric. */
    enum End { CLIENT_GONE, TOO_SLOW, KEY_REVOKED, SHUTDOWN }

    private final String tenantId;
    private final Caller caller;
    private final int maxQueuedBytes;
    private final Executor completions;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private Consumer<End> onEnd = end -> { };
    private int queuedBytes;
    private ServletOutputStream out;
    private boolean unflushed;
    private boolean ended;
    /** The container ended the request itself (an error, or its completion): the response is no longer ours. */
    private boolean containerEnded;
    private final long createdAt = System.nanoTime();

    StreamSession(String tenantId, Caller caller, int maxQueuedBytes, Executor completions) {
        this.tenantId = tenantId;
        this.caller = caller;
        this.maxQueuedBytes = maxQueuedBytes;
        this.completions = completions;
    }

    String tenantId() {
        return tenantId;
    }

    Caller caller() {
        return caller;
    }

    /** Told once, on a completion thread, when the stream ends for whatever reason. */
    synchronized void onEnd(Consumer<End> onEnd) {
        this.onEnd = onEnd;
    }

    /**
     * Takes over the response, which must be in async mode (Javalin starts it before asking for the future), and
     * returns what completes when the stream has ended.
     */
    CompletableFuture<Void> start(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AsyncContext async = request.getAsyncContext();
        async.setTimeout(0); // a stream has no deadline; heartbeats and the idle timeout find dead connections
        async.addListener(this);
        ServletOutputStream stream = response.getOutputStream();
        synchronized (this) {
            out = stream;
        }
        stream.setWriteListener(this); // the container calls onWritePossible as soon as it can write
        return done;
    }

    /**
     * Queues a frame and writes what the connection takes now. False when the stream has ended, now or before:
     * a frame that does not fit ends it as too slow.
     */
    boolean offer(byte[] frame) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            if (queuedBytes + frame.length > maxQueuedBytes) {
                endLocked(End.TOO_SLOW);
                return false;
            }
            queue.add(frame);
            queuedBytes += frame.length;
            pump();
            return !ended;
        }
    }

    /** Ends the stream (idempotent). */
    void end(End why) {
        synchronized (this) {
            endLocked(why);
        }
    }

    /** Drops what waits and hands the rest to a completion thread, once. Caller holds the lock. */
    private void endLocked(End why) {
        if (ended) {
            return;
        }
        ended = true;
        queue.clear();
        queuedBytes = 0;
        try {
            completions.execute(() -> finish(why));
        } catch (RejectedExecutionException e) {
            CompletableFuture.runAsync(() -> finish(why)); // the HTTP pool is stopping; end the stream anyway
        }
    }

    private void finish(End why) {
        Consumer<End> told;
        boolean answer;
        synchronized (this) {
            told = onEnd;
            onEnd = end -> { };
            answer = !containerEnded;
        }
        told.accept(why);
        if (answer) {
            done.complete(null); // Javalin then logs the request and completes the async context
        }
        // Otherwise the future stays open: completing it would make Javalin finish a response the container has
        // already finished and recycled, and its error handling then failed on that response over and over.
    }

    /** Registered but never taken over by its request (which failed before): ends it, so it cannot linger. */
    void endIfNeverStarted(Duration grace) {
        synchronized (this) {
            if (out != null || System.nanoTime() - createdAt < grace.toNanos()) {
                return;
            }
        }
        end(End.CLIENT_GONE);
    }

    /** The frames waiting to be written, as text: what a client would read next (for tests). */
    String pending() {
        synchronized (this) {
            StringBuilder out = new StringBuilder();
            queue.forEach(f -> out.append(new String(f, java.nio.charset.StandardCharsets.UTF_8)));
            return out.toString();
        }
    }

    boolean ended() {
        synchronized (this) {
            return ended;
        }
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            pump();
        }
    }

    /** Writes while the connection takes it; flushes after the last queued frame. Caller holds the lock. */
    private void pump() {
        if (out == null || ended) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = queue.poll();
                if (next == null) {
                    if (unflushed) {
                        unflushed = false;
                        out.flush();
                        continue;
                    }
                    return;
                }
                queuedBytes -= next.length;
                out.write(next);
                unflushed = true;
            }
        } catch (IOException | RuntimeException e) {
            endLocked(End.CLIENT_GONE);
        }
    }

    @Override
    public void onError(Throwable t) {
        end(End.CLIENT_GONE);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        endedByContainer();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endedByContainer();
    }

    @Override
    public void onError(AsyncEvent event) {
        endedByContainer();
    }

    /** The container completes (or has completed) the request on its own: end the stream without answering it. */
    private void endedByContainer() {
        synchronized (this) {
            containerEnded = true;
            endLocked(End.CLIENT_GONE);
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
