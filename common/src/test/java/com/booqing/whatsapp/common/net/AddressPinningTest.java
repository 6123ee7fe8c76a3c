package com.booqing.whatsapp.common.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class AddressPinningTest {
    private final AddressPinning pinning = AddressPinning.detect();

    @Test
    void buildSetsThePropertyTheServicesSetSoPinningIsActive() {
        assertThat(pinning.active()).isTrue();
    }

    @Test
    void plainHttpGoesToTheCheckedAddressWithTheOriginalHostHeader() throws Exception {
        InetAddress checked = InetAddress.getByAddress("waha.example.com", new byte[]{93, (byte) 184, (byte) 216, 34});

        AddressPinning.Pinned pinned = pinning.pin(URI.create("http://waha.example.com:8080/api/a%2Fb?x=1"), checked);

        assertThat(pinned.uri().toString()).isEqualTo("http://93.184.216.34:8080/api/a%2Fb?x=1");
        assertThat(pinned.hostHeader()).contains("waha.example.com:8080");
    }

    @Test
    void ipv6AddressIsBracketedWithoutItsScope() throws Exception {
        InetAddress checked = InetAddress.getByName("2606:4700:4700::1111");

        AddressPinning.Pinned pinned = pinning.pin(URI.create("http://evo.example.com/instance"), checked);

        assertThat(pinned.uri().toString()).isEqualTo("http://[2606:4700:4700:0:0:0:0:1111]/instance");
        assertThat(pinned.hostHeader()).contains("evo.example.com");
    }

    @Test
    void httpsKeepsItsNameSoTheCertificateIsCheckedAgainstIt() throws Exception {
        InetAddress checked = InetAddress.getByAddress("graph.example.com", new byte[]{93, (byte) 184, (byte) 216, 34});

        AddressPinning.Pinned pinned = pinning.pin(URI.create("https://graph.example.com/v23.0/1/messages"), checked);

        assertThat(pinned.uri().toString()).isEqualTo("https://graph.example.com/v23.0/1/messages");
        assertThat(pinned.hostHeader()).isEmpty();
    }

    @Test
    void offLeavesEveryUriAsItIs() throws Exception {
        InetAddress checked = InetAddress.getByAddress("waha.example.com", new byte[]{93, (byte) 184, (byte) 216, 34});
        URI uri = URI.create("http://waha.example.com/api");

        assertThat(AddressPinning.off().pin(uri, checked).uri()).isEqualTo(uri);
    }
}
