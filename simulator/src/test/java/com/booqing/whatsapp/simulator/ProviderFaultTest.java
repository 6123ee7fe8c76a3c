package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The shared faults on WAHA and Evolution endpoints, answered in each provider's own error format. */
class ProviderFaultTest {

    private static final String WAHA_SEND = "{\"session\":\"default\",\"chatId\":\"15551234567@c.us\",\"text\":\"hi\"}";
    private static final String EVO_SEND = "{\"number\":\"5511988887777\",\"text\":\"hi\"}";

    private WebhookReceiver receiver;
    private Simulator simulator;
    private String waha;
    private String evolution;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        simulator = new Simulator(SimulatorConfig.defaults().withPairing(PairingTimings.fast())).start(0);
        waha = simulator.registerWaha("waha-1", "default", "waha-key", null, receiver.url()).apiUrl();
        evolution = simulator.registerEvolution("evo-1", "booqing", "evo-key", null, receiver.url()).apiUrl();
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.close();
    }

    @Test
    void darkWahaAndEvolutionEndpointsRefuseConnectionsAndComeBackOnTheirPorts() throws Exception {
        simulator.fault("waha-1", Fault.dark());
        simulator.fault("evo-1", Fault.dark());

        assertThatThrownBy(this::sendWaha).isInstanceOf(ConnectException.class);
        assertThatThrownBy(this::sendEvolution).isInstanceOf(ConnectException.class);

        simulator.fault("waha-1", Fault.none());
        simulator.fault("evo-1", Fault.none());

        assertThat(simulator.endpoint("waha-1").apiUrl()).isEqualTo(waha);
        assertThat(sendWaha().statusCode()).isEqualTo(201);
        assertThat(sendEvolution().statusCode()).isEqualTo(201);
        assertThat(simulator.sessionStatus("waha-1")).isEqualTo("WORKING");
        assertThat(simulator.sessionStatus("evo-1")).isEqualTo("open");
    }

    @Test
    void slowWahaAndEvolutionEndpointsStillSendAndReceipt() throws Exception {
        simulator.fault("waha-1", Fault.slow(Duration.ofMillis(300)));
        simulator.fault("evo-1", Fault.slow(Duration.ofMillis(300)));

        long started = System.nanoTime();
        HttpResponse<String> wahaSend = sendWaha();
        HttpResponse<String> evoSend = sendEvolution();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(wahaSend.statusCode()).isEqualTo(201);
        assertThat(evoSend.statusCode()).isEqualTo(201);
        assertThat(tookMs).isBetween(600L, 5_000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.events("message.ack").size() == 3
                && receiver.events("messages.update").size() == 3);
    }

    @Test
    void failAndRateLimitAnswerInEachProvidersErrorFormat() throws Exception {
        simulator.fault("waha-1", Fault.fail(500).times(1));
        simulator.fault("evo-1", Fault.fail(500).times(1));
        HttpResponse<String> wahaFailed = sendWaha();
        HttpResponse<String> evoFailed = sendEvolution();
        simulator.fault("waha-1", Fault.rateLimit(Duration.ofSeconds(4)));
        simulator.fault("evo-1", Fault.rateLimit(Duration.ofSeconds(4)));
        HttpResponse<String> wahaLimited = sendWaha();
        HttpResponse<String> evoLimited = sendEvolution();

        assertThat(wahaFailed.statusCode()).isEqualTo(500);
        JsonNode wahaError = Http.json(wahaFailed);
        assertThat(wahaError.path("statusCode").asInt()).isEqualTo(500);
        assertThat(wahaError.at("/exception/message").asText()).isNotBlank();
        assertThat(evoFailed.statusCode()).isEqualTo(500);
        assertThat(Http.json(evoFailed).path("error").asText()).isEqualTo("Internal Server Error");
        assertThat(wahaLimited.statusCode()).isEqualTo(429);
        assertThat(wahaLimited.headers().firstValue("Retry-After")).contains("4");
        assertThat(evoLimited.statusCode()).isEqualTo(429);
        assertThat(Http.json(evoLimited).path("status").asInt()).isEqualTo(429);
        assertThat(simulator.requests("waha-1")).hasSize(2);
    }

    private HttpResponse<String> sendWaha() throws Exception {
        return Http.call("POST", waha + "/api/sendText", Map.of("X-Api-Key", "waha-key"), WAHA_SEND);
    }

    private HttpResponse<String> sendEvolution() throws Exception {
        return Http.call("POST", evolution + "/message/sendText/booqing", Map.of("apikey", "evo-key"), EVO_SEND);
    }
}
