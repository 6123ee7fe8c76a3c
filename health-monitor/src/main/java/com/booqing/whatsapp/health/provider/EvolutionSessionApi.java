package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evolution API v2 instances (reference §3.4): {@code POST /instance/create}, {@code GET
 * /instance/connect/{i}[?number=]} → {@code {pairingCode, code, base64, count}}, {@code GET
 * /instance/connectionState/{i}}, {@code DELETE /instance/logout/{i}}, {@code POST /instance/restart/{i}}. The
 * instance is the endpoint's instanceName; the endpoint's key is the global API key.
 */
public final class EvolutionSessionApi implements SessionApi {
    static final String INTEGRATION = "WHATSAPP-BAILEYS";

    private final ProviderHttp http;

    public EvolutionSessionApi(ProviderHttp http) {
        this.http = http;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.EVOLUTION;
    }

    @Override
    public SessionView status(SessionCall c, boolean withQr) {
        String i = instance(c);
        ProviderHttp.Answer a = call(c, "GET", "/instance/connectionState/" + i, null);
        if (a.status() == 404) {
            return SessionView.of(null, DeviceStatus.DISCONNECTED, "instance " + i + " does not exist");
        }
        requireOk(a);
        String state = ProviderHttp.word(a.body().path("instance").path("state").asText(""));
        DeviceStatus mapped = map(state);
        if (mapped == null) {
            return SessionView.of(state, DeviceStatus.ERROR, "unknown instance state " + state);
        }
        if (mapped == DeviceStatus.CONNECTING && withQr) {
            // While connecting, connect answers the QR code on screen without starting anything new.
            ProviderHttp.Answer shown = call(c, "GET", "/instance/connect/" + i, null);
            SessionView qr = shown.ok() ? qrView(state, shown.body()) : null;
            if (qr != null) {
                return qr;
            }
        }
        String reason = state.equals("refused") ? "QR code limit reached: new connect needed" : null;
        return SessionView.of(state, mapped, reason);
    }

    @Override
    public SessionView connect(SessionCall c, String phoneDigits, Duration qrWait, Duration pollEvery) {
        long deadline = System.nanoTime() + qrWait.toNanos();
        String i = instance(c);
        String numberQuery = phoneDigits == null ? "" : "?number=" + phoneDigits;
        SessionView now = status(c, false);
        String token = null;
        ProviderHttp.Answer first;
        if (now.providerStatus() == null) {
            Map<String, Object> create = new LinkedHashMap<>();
            create.put("instanceName", i);
            create.put("integration", INTEGRATION);
            create.put("qrcode", true);
            if (phoneDigits != null) {
                create.put("number", phoneDigits);
            }
            ProviderHttp.Answer created = call(c, "POST", "/instance/create", create);
            if (created.ok()) {
                JsonNode hash = created.body().path("hash");
                token = hash.isTextual() ? hash.asText() : hash.path("apikey").asText(null);
                first = created;
            } else if (created.status() == 403) {
                // "already in use": created meanwhile; connect it like an existing one.
                first = call(c, "GET", "/instance/connect/" + i + numberQuery, null);
            } else {
                throw ProviderHttp.httpError(created, "API key");
            }
        } else if (now.status() == DeviceStatus.CONNECTED) {
            return now;
        } else {
            first = call(c, "GET", "/instance/connect/" + i + numberQuery, null);
            requireOk(first);
            if (phoneDigits != null && first.body().path("pairingCode").asText("").isEmpty()
                    && !first.body().path("code").asText("").isEmpty()) {
                // Already connecting without a number: only a fresh connection issues a pairing code.
                call(c, "DELETE", "/instance/logout/" + i, null);
                first = call(c, "GET", "/instance/connect/" + i + numberQuery, null);
            }
        }
        requireOk(first);
        JsonNode qrBody = first.body().has("qrcode") ? first.body().path("qrcode") : first.body();
        SessionView v = qrView("connecting", qrBody);
        while (v == null || v.status() != DeviceStatus.PAIRING) {
            v = status(c, true);
            if (v.status() == DeviceStatus.CONNECTED || v.status() == DeviceStatus.ERROR
                    || v.status() == DeviceStatus.PAIRING || System.nanoTime() > deadline
                    || !SessionApi.pause(pollEvery)) {
                break;
            }
        }
        return v.withInstanceToken(token);
    }

    /** A PAIRING view from a connect answer {pairingCode, code, base64, count}; null when it carries no QR code. */
    private static SessionView qrView(String state, JsonNode body) {
        String code = body.path("code").asText("");
        if (code.isEmpty()) {
            return null;
        }
        String pairing = body.path("pairingCode").asText("");
        return new SessionView(state, DeviceStatus.PAIRING, code, pairing.isEmpty() ? null : pairing, null, null,
                null);
    }

    @Override
    public SessionView disconnect(SessionCall c) {
        String i = instance(c);
        ProviderHttp.Answer out = call(c, "DELETE", "/instance/logout/" + i, null);
        if (out.status() == 404) {
            return SessionView.of(null, DeviceStatus.DISCONNECTED, "instance " + i + " does not exist");
        }
        // 400 "is not connected": nothing to log out, which is what was asked.
        if (!out.ok() && out.status() != 400) {
            throw ProviderHttp.httpError(out, "API key");
        }
        return status(c, false);
    }

    /**
     * A closed instance is connected again with {@code GET /instance/connect} (restart only restarts a live
     * socket: Evolution answers a closed one {@code {error:true}}); a stuck one is restarted.
     */
    @Override
    public void reconnect(SessionCall c, String observedStatus) {
        String i = instance(c);
        if (!"close".equals(observedStatus)) {
            ProviderHttp.Answer restarted = call(c, "POST", "/instance/restart/" + i, null);
            requireOk(restarted);
            if (!restarted.body().path("error").asBoolean(false)) {
                return;
            }
        }
        requireOk(call(c, "GET", "/instance/connect/" + i, null));
    }

    @Override
    public DeviceStatus map(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "open" -> DeviceStatus.CONNECTED;
            case "connecting" -> DeviceStatus.CONNECTING;
            case "close" -> DeviceStatus.DISCONNECTED;
            case "refused" -> DeviceStatus.ERROR;
            default -> null;
        };
    }

    /** connectionState cannot tell a logout from a drop; the logout's statusReason 401 comes by webhook. */
    @Override
    public boolean meansLoggedOut(String state) {
        return false;
    }

    private static String instance(SessionCall c) {
        return ProviderUrls.segment(c.endpoint().instanceName(), "instanceName");
    }

    private ProviderHttp.Answer call(SessionCall c, String method, String path, Object body) {
        try {
            return http.call(method, ProviderUrls.of(c.endpoint(), path), Map.of("apikey", c.apiKey()), body,
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
