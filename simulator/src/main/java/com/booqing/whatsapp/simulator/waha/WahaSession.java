package com.booqing.whatsapp.simulator.waha;

import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.provider.Pairing;
import com.booqing.whatsapp.simulator.provider.QrCodes;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WAHA session's lifecycle (WAHA docs sessions, events "session.status"; provider-wire-formats.md §2.4):
 * STOPPED → STARTING → SCAN_QR_CODE (a new QR code after 60 s, then every 20 s, up to 6; each one re-announced as
 * SCAN_QR_CODE) → WORKING once the phone scans a code or confirms a pairing code; after the last code, FAILED.
 * A session that was paired before goes STARTING → WORKING. Every change is reported with the last three statuses.
 */
final class WahaSession implements Pairing {

    enum Status { STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED }

    record Point(Status status, long timestamp) {
    }

    /** Told about every status change, while the session's lock is held (must not block). */
    interface Listener {
        void statusChanged(Status status, List<Point> lastThree);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CODE_CHARS = "ABCDEFGHJKLMNPQRSTVWXYZ123456789".toCharArray();

    private final String name;
    private final PairingTimings timings;
    private final Clock clock;
    private final Listener listener;
    private ScheduledExecutorService scheduler;

    // Guarded by this.
    private boolean exists = true;
    private Status status;
    private final Deque<Point> statuses = new ArrayDeque<>();
    private boolean paired;
    private String qr;
    private int qrCount;
    private String pairingCode;
    private ScheduledFuture<?> timer;
    private long generation;

    WahaSession(String name, boolean paired, PairingTimings timings, Clock clock, Listener listener) {
        this.name = name;
        this.timings = timings;
        this.clock = clock;
        this.listener = listener;
        this.paired = paired;
        this.status = paired ? Status.WORKING : Status.STOPPED;
        statuses.add(new Point(status, clock.millis()));
    }

    synchronized void attach(ScheduledExecutorService timers) {
        this.scheduler = timers;
    }

    String name() {
        return name;
    }

    synchronized boolean exists() {
        return exists;
    }

    synchronized Status current() {
        return status;
    }

    synchronized List<Point> lastStatuses() {
        return List.copyOf(statuses);
    }

    /** The raw value of the QR code on screen, or null when none is shown. */
    synchronized String qr() {
        return status == Status.SCAN_QR_CODE ? qr : null;
    }

    // ---- lifecycle driven by the API

    /** POST /api/sessions: the session (re)appears STOPPED and starts if asked to. */
    synchronized void create(boolean start) {
        exists = true;
        cancelTimer();
        status = Status.STOPPED;
        statuses.clear();
        statuses.add(new Point(status, clock.millis()));
        if (start) {
            start();
        }
    }

    /** Idempotent, as WAHA's start: a running session is left alone. */
    synchronized void start() {
        if (status != Status.STOPPED && status != Status.FAILED) {
            return;
        }
        change(Status.STARTING);
        long started = generation;
        schedule(timings.startDelay(), () -> afterStart(started));
    }

    synchronized void stop() {
        cancelTimer();
        qr = null;
        pairingCode = null;
        if (status != Status.STOPPED) {
            change(Status.STOPPED);
        }
    }

    synchronized void restart() {
        stop();
        start();
    }

    /** Unpairs; a running session starts again and shows a new QR code (POST /api/sessions/{s}/logout). */
    synchronized void logout() {
        boolean running = status != Status.STOPPED && status != Status.FAILED;
        paired = false;
        stop();
        if (running) {
            start();
        }
    }

    synchronized void delete() {
        paired = false;
        stop();
        exists = false;
    }

    /** POST /api/{session}/auth/request-code: a code like "ABCD-EFGH" the phone owner types on the phone. */
    synchronized String requestCode() {
        StringBuilder code = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(CODE_CHARS[RANDOM.nextInt(CODE_CHARS.length)]);
        }
        pairingCode = code.toString();
        return pairingCode;
    }

    // ---- Pairing (the phone's side)

    @Override
    public synchronized String status() {
        return status.name();
    }

    @Override
    public synchronized boolean connected() {
        return status == Status.WORKING;
    }

    @Override
    public synchronized void scanQr() {
        if (status != Status.SCAN_QR_CODE) {
            throw new IllegalStateException("session '" + name + "' shows no QR code (status " + status + ")");
        }
        paired();
    }

    @Override
    public synchronized void confirmPairingCode(String code) {
        if (status != Status.SCAN_QR_CODE || pairingCode == null) {
            throw new IllegalStateException("session '" + name + "' issued no pairing code (status " + status + ")");
        }
        if (!pairingCode.equals(code)) {
            throw new IllegalArgumentException("not the pairing code session '" + name + "' issued");
        }
        paired();
    }

    private void paired() {
        cancelTimer();
        paired = true;
        qr = null;
        pairingCode = null;
        change(Status.WORKING);
    }

    // ---- timers

    private synchronized void afterStart(long started) {
        if (generation != started || status != Status.STARTING) {
            return;
        }
        if (paired) {
            change(Status.WORKING);
        } else {
            showQr(1);
        }
    }

    private void showQr(int n) {
        qr = QrCodes.newValue();
        qrCount = n;
        // WAHA announces SCAN_QR_CODE again for every new code.
        change(Status.SCAN_QR_CODE);
        long shown = generation;
        schedule(n == 1 ? timings.firstQr() : timings.nextQr(), () -> qrExpired(shown, n));
    }

    private synchronized void qrExpired(long shown, int n) {
        if (generation != shown || status != Status.SCAN_QR_CODE || qrCount != n) {
            return;
        }
        if (n >= timings.wahaMaxQrs()) {
            qr = null;
            pairingCode = null;
            change(Status.FAILED);
        } else {
            showQr(n + 1);
        }
    }

    private void change(Status next) {
        generation++;
        status = next;
        statuses.addLast(new Point(next, clock.millis()));
        while (statuses.size() > 3) {
            statuses.removeFirst();
        }
        listener.statusChanged(next, List.copyOf(statuses));
    }

    private void schedule(Duration delay, Runnable task) {
        cancelTimer();
        if (scheduler == null) {
            return;
        }
        try {
            timer = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The simulator is shutting down.
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    synchronized void close() {
        cancelTimer();
        scheduler = null;
    }
}
