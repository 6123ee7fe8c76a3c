package com.booqing.whatsapp.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One HTTP/1.1 keep-alive connection over a plain socket: writes a pre-built request and reads the response
 * (status line, headers, a body of Content-Length bytes or chunked). No pipelining: one request in flight, as
 * a provider's delivery connection has. Cheap enough per request that the load generator is not what a run
 * measures: no allocation on the hot path beyond the JDK's socket I/O.
 */
final class HttpConnection implements AutoCloseable {
    private static final int MAX_LINE = 8192;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private final byte[] line = new byte[MAX_LINE];
    private int pos;
    private int limit;
    private boolean closeRequested;

    HttpConnection(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code request} and reads the whole response; @return its status code */
    int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return readResponse();
    }

    /** The server said {@code Connection: close} (or sent a body delimited by closing): open a new connection. */
    boolean isClosed() {
        return closeRequested || socket.isClosed();
    }

    private int readResponse() throws IOException {
        int n = readLine();
        // "HTTP/1.1 200 OK"
        if (n < 12 || line[0] != 'H' || line[8] != ' ') {
            throw new IOException("not an HTTP status line");
        }
        int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        long contentLength = -1;
        boolean chunked = false;
        while ((n = readLine()) > 0) {
            if (startsWithIgnoreCase(n, "content-length:")) {
                contentLength = parseDecimal(n, "content-length:".length());
            } else if (startsWithIgnoreCase(n, "transfer-encoding:")) {
                chunked = containsIgnoreCase(n, "chunked");
            } else if (startsWithIgnoreCase(n, "connection:")) {
                closeRequested |= containsIgnoreCase(n, "close");
            }
        }
        if (chunked) {
            skipChunked();
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else if (status != 204 && status != 304 && status >= 200) {
            // No length: the body ends when the server closes.
            while (fill()) {
                pos = limit;
            }
            closeRequested = true;
        }
        return status;
    }

    private void skipChunked() throws IOException {
        while (true) {
            int n = readLine();
            long size = 0;
            for (int i = 0; i < n; i++) {
                int d = Character.digit(line[i], 16);
                if (d < 0) {
                    break; // chunk extension
                }
                size = size * 16 + d;
            }
            if (size == 0) {
                while (readLine() > 0) {
                    // trailers
                }
                return;
            }
            skip(size);
            readLine(); // CRLF after the chunk
        }
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed inside a response body");
            }
            int step = (int) Math.min(bytes, limit - pos);
            pos += step;
            bytes -= step;
        }
    }

    /** Reads one line without its CRLF into {@link #line}; @return its length */
    private int readLine() throws IOException {
        int n = 0;
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed inside a response head");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n == MAX_LINE) {
                throw new IOException("response line too long");
            }
            line[n++] = b;
        }
    }

    private boolean fill() throws IOException {
        int r = in.read(buf, 0, buf.length);
        if (r <= 0) {
            return false;
        }
        pos = 0;
        limit = r;
        return true;
    }

    private boolean startsWithIgnoreCase(int n, String prefix) {
        if (n < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) line[i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int n, String word) {
        outer:
        for (int i = 0; i + word.length() <= n; i++) {
            for (int j = 0; j < word.length(); j++) {
                if (Character.toLowerCase((char) line[i + j]) != word.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private long parseDecimal(int n, int from) {
        long v = 0;
        for (int i = from; i < n; i++) {
            byte b = line[i];
            if (b >= '0' && b <= '9') {
                v = v * 10 + (b - '0');
            } else if (b != ' ' && b != '\t') {
                break;
            }
        }
        return v;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
