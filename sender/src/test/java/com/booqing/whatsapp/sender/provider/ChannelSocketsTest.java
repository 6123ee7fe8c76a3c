package com.booqing.whatsapp.sender.provider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The check before a pooled connection is reused, on real loopback sockets. */
class ChannelSocketsTest {
    private ServerSocket server;
    private SocketChannel client;
    private Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        accepted = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        server.close();
    }

    @Test
    void connectionThePeerKeepsOpenIsReusedAndStaysBlocking() throws IOException {
        assertThat(ChannelSockets.CheckedConnection.idle(client)).isTrue();
        assertThat(client.isBlocking()).isTrue();
    }

    @Test
    void connectionThePeerClosedIsNotReused() throws Exception {
        accepted.close();

        assertThat(eventually(() -> !ChannelSockets.CheckedConnection.idle(client))).isTrue();
        assertThat(client.isBlocking()).isTrue();
    }

    @Test
    void connectionWithBytesNobodyAskedForIsNotReused() throws Exception {
        accepted.getOutputStream().write("HTTP/1.1 408 Request Timeout\r\n\r\n".getBytes());
        accepted.getOutputStream().flush();

        assertThat(eventually(() -> !ChannelSockets.CheckedConnection.idle(client))).isTrue();
    }

    /** The peer's FIN or bytes take a moment to arrive even on loopback. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
