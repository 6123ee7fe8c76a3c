package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.sender.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider calls over TLS go through the same channel-backed sockets as plain ones (ChannelSockets): the handshake
 * runs and the certificate is checked. A server whose certificate no trusted authority signed is refused during the
 * handshake, before a byte of the request left: certainly not sent, so another endpoint may take the message.
 */
class ProviderClientTlsTest {
    private static final String TOKEN = "secret-token-tls";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final SecretBox box = Fixtures.secretBox();
    private final SendCommand command = Fixtures.text("+31612345678", "hi");
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger requestBytes = new AtomicInteger();
    private SSLServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void startSelfSignedServer(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0)
                .as("keytool made a key pair").isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(5_000);
                    try {
                        handshakes.incrementAndGet();
                        s.startHandshake();
                        requestBytes.addAndGet(s.getInputStream().readNBytes(1).length);
                    } catch (IOException refusedByTheClient) {
                        // the client gives up during the handshake: what the test expects
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }, "tls-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    @Test
    void endpointWithAnUntrustedCertificateIsRefusedDuringTheHandshakeAndCertainlyNotSent() {
        Endpoint endpoint = Fixtures.cloudEndpoint(box, "ep_tls", "https://localhost:" + server.getLocalPort() + "/",
                TOKEN, true);
        try (ProviderClient client = ProviderClient.create(TIMEOUT)) {
            SendOutcome outcome = new CloudApiAdapter(client).send(endpoint, TOKEN, command, TIMEOUT);

            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Failed.class, failed -> {
                assertThat(failed.code()).isEqualTo("tls_handshake_failed");
                assertThat(failed.certainlyNotSent()).isTrue();
                assertThat(failed.toString()).doesNotContain(TOKEN);
            });
        }
        assertThat(handshakes.get()).as("a TLS handshake was attempted").isPositive();
        assertThat(requestBytes.get()).as("no request bytes reached the server").isZero();
    }
}
