package com.booqing.whatsapp.reliability.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a service and what it talks to (Redis, Kafka, a provider), with a fault that
 * can be switched at any moment:
 * <ul>
 *   <li>{@link #pass()}: bytes flow both ways;</li>
 *   <li>{@link #latency(Duration)}: every chunk, each way, is forwarded that much later;</li>
 *   <li>{@link #blackHole()}: connections (open and new) are accepted and read, but nothing is forwarded nor
 *       answered: the peer sees a server that hangs;</li>
 *   <li>{@link #reset()}: open connections are reset (RST), new ones are accepted and reset at once;</li>
 *   <li>{@link #refuse()}: the proxy stops listening (connection refused) and resets open connections; any other
 *       mode listens again on the same port.</li>
 * </ul>
 * At most {@link #MAX_CONNECTIONS} connections at a time (more are reset); {@link #close()} closes everything.
 *
 * <pre>{@code
 * try (FaultProxy redisProxy = FaultProxy.start("127.0.0.1", 6379)) {
 *     env.put("REDIS_URL", "redis://127.0.0.1:" + redisProxy.port());
 *     redisProxy.blackHole();   // Redis "hangs" for the service
 *     redisProxy.pass();        // and is back
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
    public static final int MAX_CONNECTIONS = 512;
    private static final int BUFFER = 16 * 1024;

    public enum Mode { PASS, LATENCY, BLACK_HOLE, RESET, REFUSE }

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final AtomicLong accepted = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile long latencyNanos;
    private volatile ServerSocket server;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /** A proxy on a free loopback port forwarding to {@code targetHost:targetPort}, in {@link Mode#PASS}. */
    public static FaultProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, 0);
    }

    public static FaultProxy start(String targetHost, int targetPort, int listenPort) {
        try {
            ServerSocket s = bind(listenPort);
            FaultProxy p = new FaultProxy(targetHost, targetPort, s.getLocalPort());
            p.listen(s);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + listenPort, e);
        }
    }

    public int port() {
        return port;
    }

    /** host:port of the proxy, e.g. for a bootstrap list. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public Mode mode() {
        return mode;
    }

    public long acceptedConnections() {
        return accepted.get();
    }

    public int openConnections() {
        return links.size();
    }

    public synchronized FaultProxy pass() {
        return switchTo(Mode.PASS);
    }

    public synchronized FaultProxy latency(Duration d) {
        latencyNanos = d.toNanos();
        return switchTo(Mode.LATENCY);
    }

    public synchronized FaultProxy blackHole() {
        return switchTo(Mode.BLACK_HOLE);
    }

    public synchronized FaultProxy reset() {
        switchTo(Mode.RESET);
        links.forEach(Link::reset);
        return this;
    }

    public synchronized FaultProxy refuse() {
        switchTo(Mode.REFUSE);
        ServerSocket s = server;
        server = null;
        closeQuietly(s);
        links.forEach(Link::reset);
        return this;
    }

    private FaultProxy switchTo(Mode m) {
        if (closed) {
            throw new IllegalStateException("proxy closed");
        }
        Mode before = mode;
        mode = m;
        if (before == Mode.BLACK_HOLE && m != Mode.BLACK_HOLE) {
            // Their streams lost bytes while black-holed; like connections a long partition killed, they are reset.
            links.forEach(Link::reset);
        }
        if (m != Mode.REFUSE && server == null) {
            try {
                listen(bind(port));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + port + " again", e);
            }
        }
        return this;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return s;
    }

    private void listen(ServerSocket s) {
        server = s;
        threads.execute(() -> acceptLoop(s));
    }

    private void acceptLoop(ServerSocket s) {
        while (!closed && !s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by refuse() or close()
            }
            accepted.incrementAndGet();
            if (!slots.tryAcquire()) {
                resetQuietly(client);
                continue;
            }
            threads.execute(() -> open(client));
        }
    }

    private void open(Socket client) {
        Link link = new Link(client);
        links.add(link);
        try {
            Mode m = mode;
            if (m == Mode.RESET || m == Mode.REFUSE) {
                link.reset();
                return;
            }
            client.setTcpNoDelay(true);
            if (m == Mode.BLACK_HOLE) {
                // Never connect upstream: read and drop until it goes away or the mode changes.
                drain(client.getInputStream(), link);
            }
            Socket upstream = new Socket();
            link.upstream = upstream;
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
            upstream.setTcpNoDelay(true);
            threads.execute(() -> pump(upstream, client, link));
            pump(client, upstream, link);
        } catch (IOException e) {
            link.close();
        } finally {
            finish(link);
        }
    }

    /** Closes both sockets (ending the other direction's pump too) and frees the link's slot, once. */
    private void finish(Link link) {
        link.close();
        if (link.released.compareAndSet(false, true)) {
            links.remove(link);
            slots.release();
        }
    }

    /** Black hole for a connection that never had an upstream: read and drop until the mode is no longer black hole. */
    private void drain(InputStream in, Link link) throws IOException {
        byte[] buf = new byte[BUFFER];
        link.client.setSoTimeout(100);
        while (!closed && mode == Mode.BLACK_HOLE) {
            try {
                if (in.read(buf) < 0) {
                    throw new IOException("peer closed");
                }
            } catch (java.net.SocketTimeoutException idle) {
                // check the mode again
            }
        }
        // Bytes read while black-holed are lost: a connection from that time is no longer a faithful stream.
        link.reset();
        throw new IOException("black-holed connection reset");
    }

    private void pump(Socket from, Socket to, Link link) {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                Mode m = mode;
                if (m == Mode.BLACK_HOLE) {
                    continue; // read and dropped: the other side never hears of it
                }
                if (m == Mode.RESET || m == Mode.REFUSE) {
                    link.reset();
                    break;
                }
                if (m == Mode.LATENCY && latencyNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(latencyNanos);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // reset, closed, or the peer went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish(link);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        links.forEach(Link::close);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // close() then sends RST instead of FIN
        } catch (SocketException ignored) {
            // closing anyway
        }
        closeQuietly(s);
    }

    /** One proxied connection: the client's socket and, once connected, the upstream one. */
    private static final class Link {
        final Socket client;
        volatile Socket upstream;
        final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Link(Socket client) {
            this.client = client;
        }

        void reset() {
            resetQuietly(client);
            Socket u = upstream;
            if (u != null) {
                resetQuietly(u);
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy " + address() + " -> " + targetHost + ":" + targetPort + " (" + mode + ")";
    }
}
