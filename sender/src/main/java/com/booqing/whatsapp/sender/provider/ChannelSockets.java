package com.booqing.whatsapp.sender.provider;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

import java.io.IOException;
import java.net.Proxy;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pooled connections whose check before reuse costs a system call instead of a millisecond. Every provider call
 * checks its pooled connection first: a request written into a socket the provider has already closed gets no
 * answer, and its outcome is unknown (it could neither be retried nor fail over). HttpClient's own check reads with
 * a 1 ms timeout, so every call waited 1 ms and threw (and caught) a {@code SocketTimeoutException}: about a seventh
 * of the sender's CPU per send and 25 ms of median command-to-result latency at 500 sends/s (bench SendBenchmark).
 * Here sockets come from {@link SocketChannel}s, and the check is one non-blocking read: nothing to read means the
 * connection is alive; end of stream, an error, or bytes nobody asked for (a server's 408 before it closes) mean
 * it is not, and it is discarded. A TLS connection is checked on its underlying socket the same way.
 */
final class ChannelSockets {
    private static final AtomicLong IDS = new AtomicLong();

    private ChannelSockets() {
    }

    /** A pool builder whose connections are made and checked this way; everything else set on it applies. */
    static PoolingHttpClientConnectionManagerBuilder poolBuilder() {
        PoolingHttpClientConnectionManagerBuilder builder = new PoolingHttpClientConnectionManagerBuilder() {
            @Override
            protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports,
                                                                            DnsResolver dns, TlsSocketStrategy tls) {
                TlsSocketStrategy strategy = tls != null ? tls : DefaultClientTlsStrategy.createDefault();
                return new DefaultHttpClientConnectionOperator(ChannelSockets::socket, ports, dns,
                        RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, strategy).build());
            }
        };
        return builder.setConnectionFactory(connections());
    }

    static HttpConnectionFactory<ManagedHttpClientConnection> connections() {
        return socket -> {
            CheckedConnection connection = new CheckedConnection("provider-" + IDS.incrementAndGet());
            if (socket != null) {
                connection.bind(socket);
            }
            return connection;
        };
    }

    /** Provider calls never go through a proxy; a socket without a channel would still work, with the slow check. */
    private static Socket socket(Proxy proxy) throws IOException {
        return proxy == null || proxy.type() == Proxy.Type.DIRECT ? SocketChannel.open().socket() : new Socket(proxy);
    }

    static final class CheckedConnection extends DefaultManagedHttpClientConnection {
        CheckedConnection(String id) {
            super(id);
        }

        @Override
        public boolean isStale() throws IOException {
            SocketHolder holder = getSocketHolder();
            if (!isOpen() || holder == null) {
                return true;
            }
            SocketChannel channel = holder.getBaseSocket().getChannel();
            if (channel == null) {
                return super.isStale();
            }
            return !idle(channel);
        }

        /** Whether the peer has neither closed the connection nor sent anything since the last answer. */
        static boolean idle(SocketChannel channel) {
            try {
                channel.configureBlocking(false);
                try {
                    return channel.read(ByteBuffer.allocate(1)) == 0;
                } finally {
                    channel.configureBlocking(true);
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
