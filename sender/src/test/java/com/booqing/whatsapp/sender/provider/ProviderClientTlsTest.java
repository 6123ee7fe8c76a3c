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
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider calls over TLS go through the same channel-backed sockets as plain ones (ChannelSockets): the handshake
 * runs, the certificate and the host name are checked, and a connection is kept and reused across sends. A server
 * that no trusted authority vouches for is refused during the handshake, before a byte of the request left:
 * certainly not sent, so another endpoint may take the message.
 */
class ProviderClientTlsTest {
    private static final String TOKEN = "secret-token-tls";
    private static final String WAMID = "wamid.over-tls";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final SecretBox box = Fixtures.secretBox();
    private final SendCommand command = Fixtures.text("+31612345678", "hi");
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger requestBytes = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private KeyStore serverKeys;
    private SSLServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void startSelfSignedServer(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0)
                .as("keytool made a key pair").isTrue();
        serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            serverKeys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    Thread connection = new Thread(() -> serve(s), "tls-test-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "tls-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers every request on the connection as the Cloud API would, until the client closes it. */
    private void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(5_000);
            handshakes.incrementAndGet();
            s.startHandshake();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                requestHeads.add(head);
                in.readNBytes(contentLength(head));
                byte[] body = ("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+31612345678\","
                        + "\"wa_id\":\"31612345678\"}],\"messages\":[{\"id\":\"" + WAMID + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException refusedOrClosed) {
            // the client gave up during the handshake, or closed the connection
        }
    }

    private String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            requestBytes.incrementAndGet();
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    private Endpoint endpoint(String host) {
        return Fixtures.cloudEndpoint(box, "ep_tls", "https://" + host + ":" + server.getLocalPort() + "/", TOKEN,
                true);
    }

    private SSLContext trustingTheServer() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverKeys.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    @Test
    void sendsOverTlsAndReusesTheConnectionWhenTheCertificateIsTrusted() throws Exception {
        try (ProviderClient client = ProviderClient.create(TIMEOUT, trustingTheServer())) {
            CloudApiAdapter adapter = new CloudApiAdapter(client);

            SendOutcome first = adapter.send(endpoint("localhost"), TOKEN, command, TIMEOUT);
            SendOutcome second = adapter.send(endpoint("localhost"), TOKEN, command, TIMEOUT);

            assertThat(first).isEqualTo(new SendOutcome.Sent(WAMID));
            assertThat(second).isEqualTo(new SendOutcome.Sent(WAMID));
        }
        assertThat(requestHeads).hasSize(2).allSatisfy(head -> assertThat(head)
                .startsWith("POST /").contains(" HTTP/1.1\r\n").contains("Bearer " + TOKEN));
        assertThat(handshakes.get()).as("both sends went over one kept connection").isEqualTo(1);
    }

    @Test
    void endpointWithAnUntrustedCertificateIsRefusedDuringTheHandshakeAndCertainlyNotSent() {
        try (ProviderClient client = ProviderClient.create(TIMEOUT)) {
            SendOutcome outcome = new CloudApiAdapter(client).send(endpoint("localhost"), TOKEN, command, TIMEOUT);

            assertRefusedBeforeSending(outcome);
        }
    }

    @Test
    void endpointWhoseCertificateNamesAnotherHostIsRefusedAndCertainlyNotSent() throws Exception {
        // The certificate is trusted but names "localhost", and the endpoint is called as 127.0.0.1.
        try (ProviderClient client = ProviderClient.create(TIMEOUT, trustingTheServer())) {
            SendOutcome outcome = new CloudApiAdapter(client).send(endpoint("127.0.0.1"), TOKEN, command, TIMEOUT);

            assertRefusedBeforeSending(outcome);
        }
    }

    private void assertRefusedBeforeSending(SendOutcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("tls_handshake_failed");
            assertThat(failed.certainlyNotSent()).isTrue();
            assertThat(failed.toString()).doesNotContain(TOKEN);
        });
        assertThat(handshakes.get()).as("a TLS handshake was attempted").isPositive();
        assertThat(requestBytes.get()).as("no request bytes reached the server").isZero();
    }
}
