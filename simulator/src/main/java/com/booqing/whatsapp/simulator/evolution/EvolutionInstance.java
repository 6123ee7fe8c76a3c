package com.booqing.whatsapp.simulator.evolution;

import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.provider.Pairing;
import com.booqing.whatsapp.simulator.provider.QrCodes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An Evolution instance's Baileys connection (whatsapp.baileys.service.ts connectionUpdate; provider-wire-formats.md
 * §3.1, §3.4): close → connecting (connection.update) → a QR code per qrcode.updated (first lives 60 s, then 20 s
 * each; with a number, each comes with a pairing code) → open once the phone scans or confirms the code. After
 * QRCODE_LIMIT codes the next one is refused: qrcode.updated {message, statusCode:500}, connection.update "refused",
 * and the instance closes. Logout: status.instance "closed" + connection.update close/401.
 */
final class EvolutionInstance implements Pairing {

    /** Told about each event the connection raises, while the instance's lock is held (must not block). */
    interface Listener {
        void emit(String event, ObjectNode data);
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CODE_CHARS = "ABCDEFGHJKLMNPQRSTVWXYZ123456789".toCharArray();
    private static final int CONNECTION_CLOSED = 428;
    private static final int LOGGED_OUT = 401;
    private static final int BAD_SESSION = 500;

    private final String name;
    private final String ownerJid;
    private final String profileName;
    private final PairingTimings timings;
    private final Clock clock;
    private final ObjectMapper json;
    private final Listener listener;
    private ScheduledExecutorService scheduler;

    // Guarded by this.
    private boolean exists = true;
    private String state;
    private boolean paired;
    private String wuid;
    private String instanceId = UUID.randomUUID().toString();
    private String token;
    private String phoneNumber;
    private int qrCount;
    private String qrCode;
    private String qrBase64;
    private String pairingCode;
    private ScheduledFuture<?> timer;
    private long generation;

    EvolutionInstance(EvolutionSettings settings, PairingTimings timings, Clock clock, ObjectMapper json,
                      Listener listener) {
        this.name = settings.instanceName();
        this.ownerJid = settings.ownerNumber() + "@s.whatsapp.net";
        this.profileName = settings.profileName();
        this.token = settings.instanceToken();
        this.timings = timings;
        this.clock = clock;
        this.json = json;
        this.listener = listener;
        this.paired = settings.paired();
        this.state = paired ? "open" : "close";
        this.wuid = paired ? ownerJid : null;
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

    synchronized String state() {
        return state;
    }

    synchronized String instanceId() {
        return instanceId;
    }

    synchronized String token() {
        return token;
    }

    /** The instance owner's JID once it was ever connected (the webhook envelope's "sender"), else null. */
    synchronized String wuid() {
        return wuid;
    }

    // ---- API side

    /** POST /instance/create: a fresh, unpaired, closed instance; connects at once when asked for a QR code. */
    synchronized void create(String newToken, String number, boolean connect) {
        cancelTimer();
        exists = true;
        paired = false;
        wuid = null;
        state = "close";
        instanceId = UUID.randomUUID().toString();
        token = newToken != null && !newToken.isBlank() ? newToken : UUID.randomUUID().toString().toUpperCase();
        qrCount = 0;
        clearQr();
        if (connect) {
            startConnecting(number);
        }
    }

    /** GET /instance/connect: starts connecting when closed; the QR code (or null when already open). */
    synchronized ObjectNode connect(String number) {
        if (state.equals("open")) {
            return null;
        }
        if (state.equals("close")) {
            startConnecting(number);
        }
        return qrCodeBody();
    }

    /** POST /instance/restart: null when closed (Evolution then answers an error body). */
    synchronized ObjectNode restart() {
        if (state.equals("close")) {
            return null;
        }
        cancelTimer();
        if (state.equals("open")) {
            state = "connecting";
            emitConnection("connecting", 200, false);
            long at = generation;
            schedule(timings.startDelay(), () -> reopen(at));
            return null;
        }
        qrCount = 0;
        nextQr(generation);
        return qrCodeBody();
    }

    /** DELETE /instance/logout: false when the instance is not connected (Evolution then answers 400). */
    synchronized boolean logout() {
        if (state.equals("close")) {
            return false;
        }
        cancelTimer();
        paired = false;
        state = "close";
        clearQr();
        ObjectNode status = json.createObjectNode();
        status.put("instance", name);
        status.put("status", "closed");
        status.put("disconnectionAt", clock.instant().toString());
        status.put("disconnectionReasonCode", LOGGED_OUT);
        status.put("disconnectionObject", "{\"error\":{\"data\":{\"reason\":\"401\"},\"isBoom\":true,\"isServer\":false,"
                + "\"output\":{\"statusCode\":401,\"payload\":{\"statusCode\":401,\"error\":\"Unauthorized\","
                + "\"message\":\"Intentional Logout\"},\"headers\":{}}},\"date\":\"" + clock.instant() + "\"}");
        listener.emit("status.instance", status);
        emitConnection("close", LOGGED_OUT, false);
        return true;
    }

    /** DELETE /instance/delete: logs out a live connection, then the instance is gone. */
    synchronized void delete() {
        if (!state.equals("close")) {
            logout();
        }
        ObjectNode deleted = json.createObjectNode();
        deleted.put("instanceName", name);
        deleted.put("instanceId", instanceId);
        listener.emit("instance.delete", deleted);
        cancelTimer();
        exists = false;
    }

    /** The connect answer: {pairingCode, code, base64, count}. */
    synchronized ObjectNode qrCodeBody() {
        ObjectNode body = json.createObjectNode();
        if (pairingCode == null) {
            body.putNull("pairingCode");
        } else {
            body.put("pairingCode", pairingCode);
        }
        putNullable(body, "code", qrCode);
        putNullable(body, "base64", qrBase64);
        body.put("count", qrCount);
        return body;
    }

    // ---- Pairing (the phone's side)

    @Override
    public synchronized String status() {
        return exists ? state : "deleted";
    }

    @Override
    public synchronized boolean connected() {
        return exists && state.equals("open");
    }

    @Override
    public synchronized void scanQr() {
        if (!state.equals("connecting") || qrCode == null) {
            throw new IllegalStateException("instance '" + name + "' shows no QR code (state " + state + ")");
        }
        opened();
    }

    @Override
    public synchronized void confirmPairingCode(String code) {
        if (!state.equals("connecting") || pairingCode == null) {
            throw new IllegalStateException("instance '" + name + "' issued no pairing code (state " + state + ")");
        }
        if (!pairingCode.equals(code)) {
            throw new IllegalArgumentException("not the pairing code instance '" + name + "' issued");
        }
        opened();
    }

    // ---- connection events

    private void startConnecting(String number) {
        phoneNumber = number == null || number.isBlank() ? null : number.replaceAll("\\D", "");
        state = "connecting";
        qrCount = 0;
        emitConnection("connecting", 200, false);
        if (paired) {
            long at = generation;
            schedule(timings.startDelay(), () -> reopen(at));
        } else {
            nextQr(generation);
        }
    }

    private synchronized void reopen(long at) {
        if (generation == at && state.equals("connecting")) {
            opened();
        }
    }

    private void nextQr(long at) {
        if (generation != at || !state.equals("connecting")) {
            return;
        }
        generation++;
        if (qrCount >= timings.evolutionQrLimit()) {
            ObjectNode limit = json.createObjectNode();
            limit.put("message", "QR code limit reached, please login again");
            limit.put("statusCode", BAD_SESSION);
            listener.emit("qrcode.updated", limit);
            state = "close";
            clearQr();
            emitConnection("refused", CONNECTION_CLOSED, true);
            return;
        }
        qrCount++;
        qrCode = QrCodes.newValue();
        qrBase64 = "data:image/png;base64," + QrCodes.pngBase64(qrCode);
        pairingCode = phoneNumber == null ? null : newPairingCode();
        ObjectNode qr = json.createObjectNode();
        ObjectNode inner = qr.putObject("qrcode");
        inner.put("instance", name);
        putNullable(inner, "pairingCode", pairingCode);
        inner.put("code", qrCode);
        inner.put("base64", qrBase64);
        listener.emit("qrcode.updated", qr);
        long shown = generation;
        schedule(qrCount == 1 ? timings.firstQr() : timings.nextQr(), () -> refreshQr(shown));
    }

    private synchronized void refreshQr(long shown) {
        nextQr(shown);
    }

    private void opened() {
        cancelTimer();
        generation++;
        paired = true;
        wuid = ownerJid;
        state = "open";
        clearQr();
        emitConnection("open", 200, true);
    }

    /** connection.update data: {instance, [wuid, profileName, profilePictureUrl,] state, statusReason}. */
    private void emitConnection(String newState, int statusReason, boolean withProfile) {
        ObjectNode data = json.createObjectNode();
        data.put("instance", name);
        if (withProfile && wuid != null) {
            data.put("wuid", wuid);
            data.put("profileName", profileName);
            data.putNull("profilePictureUrl");
        }
        data.put("state", newState);
        data.put("statusReason", statusReason);
        listener.emit("connection.update", data);
    }

    private void clearQr() {
        qrCode = null;
        qrBase64 = null;
        pairingCode = null;
    }

    /** Baileys' requestPairingCode answers 8 characters without a dash. */
    private static String newPairingCode() {
        char[] code = new char[8];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_CHARS[RANDOM.nextInt(CODE_CHARS.length)];
        }
        return new String(code);
    }

    private static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
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
