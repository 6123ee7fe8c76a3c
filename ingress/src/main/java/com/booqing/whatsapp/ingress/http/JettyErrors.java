package com.booqing.whatsapp.ingress.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Requests Jetty refuses before Javalin sees them: headers over the limit (431), a URI too long (414), a
 * malformed request (400). They get the same {@code {code, message}} body as every other error, are counted in
 * {@code ingress_http_refused_total{status}} and logged (throttled) without headers, path or body. Jetty 12.1
 * sends these through the server's error handler ({@code Response.writeError}), which is what this replaces.
 */
public final class JettyErrors extends ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(JettyErrors.class);

    private final MeterRegistry registry;
    private final ThrottledLog refusals = new ThrottledLog(log, Duration.ofSeconds(10));

    public JettyErrors(MeterRegistry registry) {
        this.registry = registry;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message,
                                    Throwable cause, Callback callback) {
        // 5xx here is a connection that broke mid-request (the client left, or the idle timeout closed it):
        // nobody to answer, and no refusal of ours.
        if (HttpStatus.isClientError(status)) {
            refused(status);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        response.write(true, ByteBuffer.wrap(body(status)), callback);
    }

    private void refused(int status) {
        Counter.builder("whatsapp.ingress.http.refused")
                .description("requests refused by the HTTP server before routing, by status")
                .tag("status", Integer.toString(status)).register(registry).increment();
        refusals.warn("refused a request before routing: {} {}", status, HttpStatus.getMessage(status));
    }

    /** Only Jetty's standard reason phrase: its own message may quote the request. */
    static byte[] body(int status) {
        String phrase = HttpStatus.getMessage(status);
        String code = phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        return ("{\"code\":\"" + code + "\",\"message\":\"" + phrase.toLowerCase(Locale.ROOT) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
