package com.booqing.whatsapp.common.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The services' shared logback.xml, in its default JSON mode, as the services' console output. */
class LogFormatTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyLineIsOneJsonObjectWithTheContextFields() throws Exception {
        List<String> lines = render(log -> {
            try (LogContext c = LogContext.open().tenant("salon").endpoint("ep_1").messageId("msg_1")
                    .trace("trace-1")) {
                log.info("message {} sent", "msg_1");
                log.warn("a message\nover two lines");
                log.error("a failure", new IllegalStateException("boom\nwith a second line"));
            }
            log.info("outside any context");
        });

        assertThat(lines).hasSize(4);
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            objects.add(node);
        }
        for (JsonNode inContext : objects.subList(0, 3)) {
            assertThat(inContext.path("tenant").asText()).isEqualTo("salon");
            assertThat(inContext.path("endpoint").asText()).isEqualTo("ep_1");
            assertThat(inContext.path("messageId").asText()).isEqualTo("msg_1");
            assertThat(inContext.path("traceId").asText()).isEqualTo("trace-1");
            assertThat(inContext.has("@timestamp") && inContext.has("level") && inContext.has("logger_name"))
                    .isTrue();
        }
        assertThat(objects.get(0).path("message").asText()).isEqualTo("message msg_1 sent");
        assertThat(objects.get(1).path("message").asText()).isEqualTo("a message\nover two lines");
        assertThat(objects.get(2).path("stack_trace").asText()).contains("IllegalStateException: boom");
        assertThat(objects.get(3).has("traceId")).isFalse();
    }

    private List<String> render(java.util.function.Consumer<Logger> logging) throws Exception {
        URL config = getClass().getClassLoader().getResource("logback.xml");
        assertThat(config).as("the shared logback.xml").isNotNull();
        LoggerContext context = new LoggerContext();
        // The same MDC that org.slf4j.MDC (and so LogContext) writes to.
        context.setMDCAdapter(MDC.getMDCAdapter());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        // The console appender writes to whatever System.out is when it writes.
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            logging.accept(context.getLogger("com.booqing.whatsapp.test"));
        } finally {
            context.stop();
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).endsWith(System.lineSeparator());
        return List.of(out.split(System.lineSeparator()));
    }
}
