package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WAHA sessions (reference §2.4): {@code POST /api/sessions {name, start}}, {@code POST
 * /api/sessions/{s}/start|restart|stop|logout}, {@code GET /api/sessions/{s}}, {@code GET
 * /api/{s}/auth/qr?format=raw} and {@code POST /api/{s}/auth/request-code}. The session is the endpoint's
 * sessionName. A QR code lives 60 s, then 20 s each, six at most; then the session is FAILED.
 */
public final class WahaSessionApi implements SessionApi {
    private final ProviderHttp http;

    public WahaSessionApi(ProviderHttp http) {
        this.http = http;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.WAHA;
    }

    @Override
    public SessionView status(SessionCall c, boolean withQr) {
        String s = session(c);
        ProviderHttp.Answer info = call(c, "GET", "/api/sessions/" + s, null);
        if (info.status() == 404) {
            return SessionView.of(null, DeviceStatus.DISCONNECTED, "session " + s + " does not exist");
        }
        requireOk(info);
        String status = ProviderHttp.word(info.body().path("status").asText(""));
        DeviceStatus mapped = map(status);
        if (mapped == null) {
            return SessionView.of(status, DeviceStatus.ERROR, "unknown session status " + status);
        }
        SessionView.Me me = null;
        JsonNode meNode = info.body().path("me");
        if (mapped == DeviceStatus.CONNECTED && meNode.isObject()) {
            me = new SessionView.Me(meNode.path("id").asText(null), meNode.path("pushName").asText(null));
        }
        String qr = mapped == DeviceStatus.PAIRING && withQr ? qr(c) : null;
        String reason = status.equals("FAILED") ? "session FAILED: new QR scan needed" : null;
        return new SessionView(status, mapped, qr, null, reason, me, null);
    }

    /** The raw QR value, or null when the session shows none right now (it moved on between two calls). */
    private String qr(SessionCall c) {
        ProviderHttp.Answer a = call(c, "GET", "/api/" + session(c) + "/auth/qr?format=raw", null);
        if (a.status() == 422) {
            return null;
        }
        requireOk(a);
        String value = a.body().path("value").asText("");
        return value.isEmpty() ? null : value;
    }

    @Override
    public SessionView connect(SessionCall c, String phoneDigits, Duration qrWait, Duration pollEvery) {
        long deadline = System.nanoTime() + qrWait.toNanos();
        String s = session(c);
        SessionView now = status(c, false);
        if (now.providerStatus() == null) {
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("name", s);
            create.put("start", true);
            ProviderHttp.Answer created = call(c, "POST", "/api/sessions", create);
            // 422: it exists after all (created meanwhile); starting it below covers that.
            if (!created.ok() && created.status() != 422) {
                throw ProviderHttp.httpError(created, "API key");
            }
        } else if (now.status() == DeviceStatus.CONNECTED) {
            return now;
        } else if (now.providerStatus().equals("STOPPED")) {
            requireOk(call(c, "POST", "/api/sessions/" + s + "/start", null));
        } else if (now.providerStatus().equals("FAILED")) {
            requireOk(call(c, "POST", "/api/sessions/" + s + "/restart", null));
        }
        while (true) {
            SessionView v = status(c, true);
            if (v.status() == DeviceStatus.CONNECTED || v.status() == DeviceStatus.ERROR) {
                return v;
            }
            if (v.status() == DeviceStatus.PAIRING && v.qrCode() != null) {
                return phoneDigits == null ? v : v.withPairingCode(requestCode(c, phoneDigits));
            }
            if (System.nanoTime() > deadline || !SessionApi.pause(pollEvery)) {
                return v;
            }
        }
    }

    private String requestCode(SessionCall c, String phoneDigits) {
        ProviderHttp.Answer a = call(c, "POST", "/api/" + session(c) + "/auth/request-code",
                Map.of("phoneNumber", phoneDigits));
        requireOk(a);
        String code = a.body().path("code").asText("");
        if (code.isEmpty()) {
            throw new ProviderCallException("WAHA answered no pairing code", ProviderCallException.Kind.BAD_ANSWER, 0,
                    a.latencyMs());
        }
        return code;
    }

    @Override
    public SessionView disconnect(SessionCall c) {
        String s = session(c);
        ProviderHttp.Answer out = call(c, "POST", "/api/sessions/" + s + "/logout", null);
        if (out.status() == 404) {
            return SessionView.of(null, DeviceStatus.DISCONNECTED, "session " + s + " does not exist");
        }
        // A session that is not running may refuse to log out (4xx); stopping it is what matters then.
        if (out.status() >= 500 || out.status() == 401 || out.status() == 403) {
            throw ProviderHttp.httpError(out, "API key");
        }
        requireOk(call(c, "POST", "/api/sessions/" + s + "/stop", null));
        return status(c, false);
    }

    @Override
    public void reconnect(SessionCall c, String observedStatus) {
        requireOk(call(c, "POST", "/api/sessions/" + session(c) + "/restart", null));
    }

    @Override
    public DeviceStatus map(String providerStatus) {
        if (providerStatus == null) {
            return null;
        }
        return switch (providerStatus) {
            case "STOPPED" -> DeviceStatus.DISCONNECTED;
            case "STARTING" -> DeviceStatus.CONNECTING;
            case "SCAN_QR_CODE", "PASSKEY_REQUIRED", "PASSKEY_CONFIRMATION_REQUIRED" -> DeviceStatus.PAIRING;
            case "WORKING" -> DeviceStatus.CONNECTED;
            case "FAILED" -> DeviceStatus.ERROR;
            default -> null;
        };
    }

    /** A linked session that shows a QR code again was unlinked; FAILED needs a new QR scan as well. */
    @Override
    public boolean meansLoggedOut(String providerStatus) {
        return "SCAN_QR_CODE".equals(providerStatus) || "FAILED".equals(providerStatus);
    }

    private static String session(SessionCall c) {
        return ProviderUrls.segment(c.endpoint().sessionName(), "sessionName");
    }

    private ProviderHttp.Answer call(SessionCall c, String method, String path, Object body) {
        try {
            return http.call(method, ProviderUrls.of(c.endpoint(), path), Map.of("X-Api-Key", c.apiKey()), body,
                    c.timeout());
        } catch (IllegalArgumentException e) {
            throw new ProviderCallException(e.getMessage(), ProviderCallException.Kind.BAD_ANSWER, 0, null);
        }
    }

    private static void requireOk(ProviderHttp.Answer a) {
        if (!a.ok()) {
            throw ProviderHttp.httpError(a, "API key");
        }
    }
}
