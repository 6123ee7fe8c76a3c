package com.booqing.whatsapp.common.net;

import com.booqing.whatsapp.common.net.EndpointUrlGuard.UnsafeUrlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointUrlGuardTest {
    final EndpointUrlGuard strict = new EndpointUrlGuard(false);
    final EndpointUrlGuard local = new EndpointUrlGuard(true);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "https://graph.facebook.com",
            "https://graph.facebook.com/v23.0/",
            "http://waha.example.com:3000",
            "https://evolution.example.org/api?tenant=1",
            "https://8.8.8.8/",
            "https://[2001:4860:4860::8888]/",
            "https://[64:ff9b::808:808]/",
            "https://xn--bcher-kva.example/",
            "https://api.example.com./",
            "HTTPS://API.EXAMPLE.COM/"})
    void acceptsPublicHttpUrls(String url) {
        assertThat(strict.check(url)).isEqualTo(URI.create(url.trim()));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // scheme, shape
            "ftp://example.com/               | http or https",
            "file:///etc/passwd               | http or https",
            "gopher://example.com/            | http or https",
            "javascript:alert(1)              | http or https",
            "//example.com/                   | http or https",
            "example.com                      | http or https",
            "mailto:a@example.com             | http or https",
            "http:example.com                 | absolute",
            "http://user:pass@example.com/    | user info",
            "http://user@example.com/         | user info",
            "http://example.com@127.0.0.1/    | user info",
            "https://example.com/#frag        | fragment",
            "https://example.com/#@127.0.0.1  | fragment",
            "http:///path                     | valid host",
            "http://exa_mple.com/             | valid host",
            "http://exa mple.com/             | valid URL",
            "http://example.com:0/            | port 0",
            // literal loopback in every spelling
            "http://127.0.0.1/                | loopback",
            "http://127.0.0.1:8080/           | loopback",
            "http://127.255.255.254/          | loopback",
            "http://2130706433/               | numeric host",
            "http://017700000001/             | numeric host",
            "http://0177.0.0.1/               | numeric host",
            "http://0x7f.1/                   | numeric host",
            "http://0x7f000001/               | numeric host",
            "http://127.1/                    | numeric host",
            "http://127.0.1/                  | numeric host",
            "http://127.000.000.001/          | numeric host",
            "http://1.2.3.4.5/                | numeric host",
            "http://%31%32%37.0.0.1/          | numeric host",
            "http://[::1]/                    | loopback",
            "http://[0:0:0:0:0:0:0:1]/        | loopback",
            "http://[::ffff:127.0.0.1]/       | loopback",
            "http://[::ffff:7f00:1]/          | loopback",
            "http://[0:0:0:0:0:ffff:127.0.0.1]/ | loopback",
            "http://[::127.0.0.1]/            | loopback",
            "http://[64:ff9b::127.0.0.1]/     | loopback",
            "http://[2002:7f00:1::]/          | loopback",
            "http://localhost/                | local or internal",
            "http://LOCALHOST:3000/           | local or internal",
            "http://localhost./               | local or internal",
            "http://api.localhost/            | local or internal",
            "http://printer.local/            | local or internal",
            "http://db.internal/              | local or internal",
            // private, link-local, metadata, shared, unspecified, multicast, reserved
            "http://10.0.0.1/                 | private",
            "http://172.16.0.1/               | private",
            "http://172.31.255.255/           | private",
            "http://192.168.1.1/              | private",
            "http://[fc00::1]/                | private",
            "http://[fd12:3456::1]/           | private",
            "http://[::ffff:10.0.0.1]/        | private",
            "http://169.254.1.1/              | link-local",
            "http://[fe80::1]/                | link-local",
            "http://[fe80::1%25eth0]/         | link-local",
            "http://169.254.169.254/latest/meta-data/ | cloud metadata",
            "http://[::ffff:169.254.169.254]/ | cloud metadata",
            "http://[fd00:ec2::254]/          | cloud metadata",
            "http://metadata.google.internal/ | cloud metadata",
            "http://metadata/                 | cloud metadata",
            "http://100.64.0.1/               | shared",
            "http://100.127.255.255/          | shared",
            "http://0.0.0.0/                  | unspecified",
            "http://[::]/                     | unspecified",
            "http://224.0.0.1/                | multicast",
            "http://[ff02::1]/                | multicast",
            "http://255.255.255.255/          | reserved",
            "http://240.0.0.1/                | reserved",
            "http://198.18.0.1/               | reserved",
            "http://192.0.2.1/                | documentation",
    })
    void refusesUnsafeUrls(String url, String reason) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining(reason.trim());
    }

    @Test
    void refusalsNeverQuoteTheUrl() {
        assertThatThrownBy(() -> strict.check("http://secret-user:secret-pass@10.0.0.1/"))
                .isInstanceOf(UnsafeUrlException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("10.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:9090", "http://localhost:3000/", "http://10.1.2.3/",
            "http://[::1]:8080/", "http://waha.internal/"})
    void allowPrivateLetsLocalAddressesThrough(String url) {
        assertThatCode(() -> local.check(url)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://169.254.169.254/", "http://metadata.google.internal/", "http://[fd00:ec2::254]/",
            "http://0x7f.1/", "http://user@127.0.0.1/", "ftp://127.0.0.1/"})
    void allowPrivateStillRefusesMetadataAndTricks(String url) {
        assertThatThrownBy(() -> local.check(url)).isInstanceOf(UnsafeUrlException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1         | loopback",
            "10.9.8.7          | private",
            "169.254.169.254   | cloud metadata",
            "::1               | loopback",
            "::ffff:192.168.0.1 | private",
            "fe80::abcd        | link-local",
            "100.64.1.1        | shared"})
    void refusesResolvedAddressesInForbiddenRanges(String address, String reason) throws Exception {
        InetAddress resolved = InetAddress.getByName(address.trim());
        InetAddress publicOne = InetAddress.getByName("8.8.8.8");

        assertThatThrownBy(() -> strict.checkResolved("rebinding.example.com", publicOne, resolved))
                .isInstanceOf(UnsafeUrlException.class)
                .hasMessageContaining(reason.trim());
    }

    @Test
    void acceptsResolvedPublicAddressesAndRefusesNone() throws Exception {
        assertThatCode(() -> strict.checkResolved("example.com", InetAddress.getByName("93.184.215.14"),
                InetAddress.getByName("2606:2800:21f:cb07:6820:80da:af6b:8b2c"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> strict.checkResolved("example.com")).isInstanceOf(UnsafeUrlException.class);
    }

    @Test
    void allowPrivateAcceptsResolvedLoopbackButNotMetadata() throws Exception {
        assertThatCode(() -> local.checkResolved("sim", InetAddress.getByName("127.0.0.1"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> local.checkResolved("x", InetAddress.getByName("169.254.169.254")))
                .isInstanceOf(UnsafeUrlException.class);
    }

    @Test
    void resolvesLiteralLoopbackAndRefusesIt() {
        assertThatThrownBy(() -> strict.resolve("127.0.0.1")).isInstanceOf(UnsafeUrlException.class);
    }
}
