package com.booqing.whatsapp.ingress.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Reading request bodies: JSON only, and never more than the configured bound into memory. */
public final class Bodies {
    /** The most of a refused request's body that is read and dropped so that its client sees the answer. */
    public static final long DISCARD_LIMIT_BYTES = 8L * 1024 * 1024;
    /** ...and for at most this long, so that a client trickling a refused body cannot keep a thread. */
    public static final long DISCARD_LIMIT_NANOS = 2_000_000_000L;
    /** The shortest idle timeout a drain sets: a timer of a millisecond could fire between two reads. */
    private static final long MIN_DISCARD_IDLE_MILLIS = 100;

    private Bodies() {
    }

    /** Refuses early, before anything is read, when the declared length is over the bound. */
    public static void checkDeclaredLength(Context ctx, int maxBytes) {
        if (declaredLength(ctx) > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
    }

    /**
     * The Content-Length as a long: Javalin's {@code contentLength()} is an int and reads a length past 2 GiB as
     * -1 ("unknown"), which would let a request that declares 10 GB through this check and leave the server
     * waiting for bytes that never come.
     */
    public static long declaredLength(Context ctx) {
        return ctx.req().getContentLengthLong();
    }

    /** application/json or any {@code +json} type, with or without parameters such as charset. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
                .trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    public static void requireJson(Context ctx) {
        if (!isJson(ctx.contentType())) {
            throw ApiException.unsupportedMediaType();
        }
    }

    /**
     * The raw body bytes, at most {@code maxBytes}; a chunked body without a declared length is cut off there
     * too. The bytes are returned exactly as received, because webhook signatures cover them.
     */
    public static byte[] read(Context ctx, int maxBytes) {
        checkDeclaredLength(ctx, maxBytes);
        try (InputStream in = ctx.bodyInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(ctx.contentLength(), maxBytes)));
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw ApiException.payloadTooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            // The client went away or sent a broken chunked body: its fault, and nothing to log.
            throw new ApiException(400, "invalid_request", "request body could not be read");
        }
    }

    /**
     * Reads and drops what is left of the request body, up to {@link #DISCARD_LIMIT_BYTES} and for up to
     * {@link #DISCARD_LIMIT_NANOS}, before an error answer.
     * A server that answers while its client is still sending and then closes leaves unread bytes behind; the
     * kernel then resets the connection and the reset destroys the answer before the client reads it, so the
     * client sees "connection reset" instead of 413 or 401. A body declared larger than the bound is not read:
     * that answer says {@code Connection: close}, and such a client has to cope with the reset (as does one
     * whose body does not arrive in time).
     */
    public static void discardUnread(Context ctx) {
        long declared = declaredLength(ctx);
        // A client that asked "Expect: 100-continue" waits for a go-ahead before sending its body; reading would
        // give it one and invite a body that is only thrown away, so it gets the answer without.
        if (declared > DISCARD_LIMIT_BYTES || expectsContinue(ctx)) {
            ctx.header("Connection", "close");
            return;
        }
        EndPoint endPoint = endPoint(ctx);
        long idleTimeout = endPoint == null ? 0 : endPoint.getIdleTimeout();
        long lowered = -1;
        boolean ended = false;
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[8192];
            long deadline = System.nanoTime() + DISCARD_LIMIT_NANOS;
            long total = 0;
            long left;
            while (!ended && total <= DISCARD_LIMIT_BYTES && (left = deadline - System.nanoTime()) > 0) {
                if (endPoint != null) {
                    // A read waits about until the deadline, not for the idle timeout: a client that declared a
                    // body and sends nothing would otherwise hold this thread for all of it.
                    lowered = Math.max(MIN_DISCARD_IDLE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left));
                    endPoint.setIdleTimeout(lowered);
                }
                int n = in.read(buffer);
                ended = n == -1;
                total += Math.max(n, 0);
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away or was too slow, or the body was already taken as a reader.
        } finally {
            // Only if it is still ours: the connection limit may have set its own meanwhile.
            if (endPoint != null && lowered >= 0 && endPoint.getIdleTimeout() == lowered) {
                endPoint.setIdleTimeout(idleTimeout);
            }
        }
        if (!ended) {
            ctx.header("Connection", "close");
        }
    }

    private static boolean expectsContinue(Context ctx) {
        String expect = ctx.header("Expect");
        return expect != null && expect.trim().equalsIgnoreCase("100-continue");
    }

    private static EndPoint endPoint(Context ctx) {
        try {
            return ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection()
                    .getEndPoint();
        } catch (RuntimeException notJetty) {
            return null;
        }
    }

    public static byte[] readJson(Context ctx, int maxBytes) {
        checkDeclaredLength(ctx, maxBytes);
        requireJson(ctx);
        return read(ctx, maxBytes);
    }

    /** A JSON object body as {@code type}; a missing or empty body is refused. */
    public static <T> T readObject(Context ctx, int maxBytes, ObjectMapper mapper, Class<T> type) throws IOException {
        T value = readOptionalObject(ctx, maxBytes, mapper, type);
        if (value == null) {
            throw new ApiException(400, "invalid_json", "request body is empty");
        }
        return value;
    }

    /** A JSON object body as {@code type}, or null when the request has no body at all. */
    public static <T> T readOptionalObject(Context ctx, int maxBytes, ObjectMapper mapper, Class<T> type)
            throws IOException {
        checkDeclaredLength(ctx, maxBytes);
        if (ctx.contentLength() == 0 && ctx.contentType() == null) {
            return null;
        }
        byte[] body = read(ctx, maxBytes);
        if (body.length == 0) {
            return null;
        }
        requireJson(ctx);
        if (!mapper.readTree(body).isObject()) {
            throw new ApiException(400, "invalid_json", "request body must be a JSON object");
        }
        return mapper.readValue(body, type);
    }
}
