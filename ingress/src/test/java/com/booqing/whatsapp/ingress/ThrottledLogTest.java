package com.booqing.whatsapp.ingress;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.booqing.whatsapp.ingress.http.ThrottledLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledLogTest {
    final Logger logger = (Logger) LoggerFactory.getLogger("throttled-log-test-" + System.nanoTime());
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    final AtomicLong now = new AtomicLong(5_000);

    @BeforeEach
    void attach() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    @Test
    void logsOncePerIntervalAndCountsWhatItLeftOut() {
        ThrottledLog log = new ThrottledLog(logger, Duration.ofSeconds(10), now::get);

        log.warn("refused {}", "a");
        log.warn("refused {}", "b");
        log.warn("refused {}", "c");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.warn("refused {}", "d");

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("refused a", "refused d (2 similar not logged since the last one)");
    }
}
