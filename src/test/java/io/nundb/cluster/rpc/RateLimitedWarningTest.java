package io.nundb.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedWarningTest {

    @Test
    void oneLinePerIntervalCountingTheRest() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.rate-limited-warning");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);

        RateLimitedWarning quiet = new RateLimitedWarning(logger, Duration.ofHours(1));
        for (int i = 0; i < 50; i++) {
            quiet.warn("refused peer x");
        }
        assertThat(events.list).hasSize(1);
        assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("refused peer x");
        assertThat(events.list.get(0).getThrowableProxy()).isNull();

        RateLimitedWarning every = new RateLimitedWarning(logger, Duration.ZERO);
        every.warn("a");
        every.warn("b");
        assertThat(events.list).hasSize(3);
        logger.detachAppender(events);
    }
}
