package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultTest {

    private static final String TOKEN = "token";
    private static final String PHONE_ID = "1234567890";

    private Simulator simulator;
    private SimEndpoint endpoint;
    private String messagesUrl;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        endpoint = simulator.registerCloudApi("ep-1", PHONE_ID, TOKEN, "secret", null);
        messagesUrl = endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "/messages";
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void rateLimitAnswers429With130429AndRetryAfter() throws Exception {
        simulator.fault("ep-1", Fault.rateLimit(Duration.ofSeconds(7)));

        HttpResponse<String> response = send();

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
        JsonNode error = Http.json(response).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(130429);
        assertThat(error.path("message").asText()).isEqualTo("(#130429) Rate limit hit");
    }

    @Test
    void failFaultAnswersTheGivenStatusWithAGraphError() throws Exception {
        simulator.fault("ep-1", Fault.fail(500));
        HttpResponse<String> failed = send();
        simulator.fault("ep-1", Fault.fail(503));
        HttpResponse<String> unavailable = send();

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(Http.json(failed).at("/error/code").asInt()).isEqualTo(131000);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(Http.json(unavailable).at("/error/code").asInt()).isEqualTo(131016);
    }

    @Test
    void faultLimitedToSomeRequestsHealsByItself() throws Exception {
        simulator.fault("ep-1", Fault.fail(500).times(2));

        assertThat(send().statusCode()).isEqualTo(500);
        assertThat(send().statusCode()).isEqualTo(500);
        assertThat(send().statusCode()).isEqualTo(200);
        assertThat(simulator.fault("ep-1").isNone()).isTrue();
    }

    @Test
    void goingDarkRefusesConnectionsAndComesBackOnSamePort() throws Exception {
        assertThat(send().statusCode()).isEqualTo(200);

        simulator.fault("ep-1", Fault.dark());

        assertThatThrownBy(this::send).isInstanceOf(ConnectException.class);
        assertThat(simulator.info("ep-1").listening()).isFalse();

        simulator.fault("ep-1", Fault.none());

        assertThat(simulator.endpoint("ep-1").apiUrl()).isEqualTo(endpoint.apiUrl());
        assertThat(send().statusCode()).isEqualTo(200);
    }

    @Test
    void slowFaultDelaysAnswer() throws Exception {
        simulator.fault("ep-1", Fault.slow(Duration.ofMillis(400)));

        long started = System.nanoTime();
        HttpResponse<String> response = send();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(tookMs).isBetween(400L, 5_000L);
    }

    @Test
    void faultedRequestsAreStillRecorded() throws Exception {
        simulator.fault("ep-1", Fault.rateLimit());
        send();

        assertThat(simulator.requests("ep-1")).hasSize(1);
    }

    @Test
    void partialFaultHitsAnEvenlySpreadShareAndRecordsWhichRequests() throws Exception {
        simulator.fault("ep-1", Fault.fail(500).percent(25));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(send().statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 500, 200, 200, 200, 500);
        assertThat(simulator.requests("ep-1")).extracting(RecordedRequest::fault)
                .containsExactly("none", "none", "none", "fail", "none", "none", "none", "fail");
    }

    @Test
    void resetProcessesTheSendButDropsTheAnswer() throws Exception {
        simulator.fault("ep-1", Fault.reset());

        assertThatThrownBy(this::send).isInstanceOf(IOException.class);

        // The message went out: the provider knows it (a receipt can be posted for it) and recorded the request.
        assertThat(simulator.requests("ep-1")).singleElement()
                .satisfies(r -> assertThat(r.fault()).isEqualTo("reset"));
        simulator.fault("ep-1", Fault.none());
        assertThat(send().statusCode()).isEqualTo(200);
    }

    @Test
    void hangHoldsTheRequestUntilTheFaultChangesThenDropsIt() throws Exception {
        simulator.fault("ep-1", Fault.hang());
        CompletableFuture<HttpResponse<String>> hung = CompletableFuture.supplyAsync(() -> {
            try {
                return send();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> simulator.requests("ep-1").size() == 1);
        assertThat(hung).isNotDone();
        simulator.fault("ep-1", Fault.none());

        assertThatThrownBy(() -> hung.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(simulator.requests("ep-1").get(0).fault()).isEqualTo("hang");
        assertThat(send().statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send() throws Exception {
        return Http.send("POST", messagesUrl, TOKEN, CloudApiSendTest.textSend());
    }
}
