package com.booqing.whatsapp.ingress.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Closes a connection whose client began a request but did not finish its request line and headers within the
 * deadline ({@code INGRESS_HEADER_TIMEOUT_MS}). Jetty's idle timeout measures silence only, so a client sending
 * one header byte every few seconds ("slowloris") would otherwise hold its connection, and a slot of the
 * server, for ever; Jetty 12 has no setting for this.
 *
 * <p>Added as a bean of the connector, it hears of every connection it accepts ({@link Connection.Listener}).
 * A sweep every fifth of the deadline (at most every second) reads each open HTTP/1.1 connection's parser state:
 * one seen in the middle of the same request's head for the whole deadline is closed, without an answer (Jetty
 * has no request yet to answer). A connection idle between requests (parser at START, nothing arriving) is left
 * to the idle timeout, and so is a request body (parser in a content state): only the head has a deadline. A
 * stuck head is closed between the deadline and the deadline plus two sweeps after its first byte.
 */
public final class RequestHeadDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(RequestHeadDeadline.class);
    private static final Duration LONGEST_SWEEP = Duration.ofSeconds(1);
    private static final Duration SHORTEST_SWEEP = Duration.ofMillis(10);
    /** Neither between requests nor in a head. */
    private static final Watch IDLE = new Watch(-1, -1, false, 0);

    private final Duration deadline;
    private final Duration sweep;
    private final Counter closed;
    private final ThrottledLog closings = new ThrottledLog(log, Duration.ofSeconds(10));
    private final Map<HttpConnection, Watch> open = new ConcurrentHashMap<>();
    private ScheduledExecutorService sweeper;

    public RequestHeadDeadline(Duration deadline, MeterRegistry registry) {
        this.deadline = deadline;
        Duration fifth = deadline.dividedBy(5);
        this.sweep = fifth.compareTo(LONGEST_SWEEP) > 0 ? LONGEST_SWEEP
                : fifth.compareTo(SHORTEST_SWEEP) < 0 ? SHORTEST_SWEEP : fifth;
        this.closed = Counter.builder("whatsapp.ingress.http.header.timeouts")
                .description("connections closed because the request line and headers did not arrive in time")
                .register(registry);
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingress-header-deadline");
            t.setDaemon(true);
            return t;
        });
        long every = sweep.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        open.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, IDLE);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.remove(http);
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // A failed sweep must not end the schedule: the next one looks again.
            log.warn("the request head deadline sweep failed: {}", e.toString());
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        List<HttpConnection> late = new ArrayList<>();
        for (Map.Entry<HttpConnection, Watch> e : open.entrySet()) {
            Watch before = e.getValue();
            Watch after = next(before, e.getKey(), now);
            if (after.inHead() && now - after.since() >= deadline.toNanos()) {
                late.add(e.getKey());
            } else if (after != before) {
                e.setValue(after);
            }
        }
        for (HttpConnection connection : late) {
            // Closed outside the iteration: onClosed removes it from the map.
            open.remove(connection);
            closed.increment();
            closings.warn("closed a connection that did not send its request headers within {} ms",
                    deadline.toMillis());
            connection.getEndPoint().close(new TimeoutException("request head not complete within " + deadline));
        }
    }

    /**
     * What a connection is doing now. Jetty counts a request once its head is complete, so the head in progress
     * belongs to the request after {@code getMessagesIn()}: a new count means a new head. Blank lines before a
     * request line are skipped without leaving START; bytes arriving while a connection stays at START are such
     * padding, a head in progress too (Jetty counts them against the header size only, 16 KiB of them).
     */
    private static Watch next(Watch before, HttpConnection connection, long now) {
        HttpParser parser = connection.getParser();
        long request = connection.getMessagesIn();
        if (parser.isStart()) {
            long bytesIn = connection.getBytesIn();
            if (before.request() != request || before.bytesAtStart() < 0) {
                return new Watch(request, bytesIn, false, 0); // between requests: the idle timeout's business
            }
            if (bytesIn == before.bytesAtStart() || before.inHead()) {
                return before;
            }
            return new Watch(request, before.bytesAtStart(), true, now);
        }
        if (!parser.inHeaderState()) {
            return IDLE; // a body or an answer in progress
        }
        if (before.inHead() && before.request() == request) {
            return before;
        }
        return new Watch(request, -1, true, now);
    }

    /**
     * A connection as the last sweep saw it: its request count; its bytes received when first seen between
     * requests (-1 otherwise); whether a head is in progress and since when.
     */
    private record Watch(long request, long bytesAtStart, boolean inHead, long since) {
    }
}
