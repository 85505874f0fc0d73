package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/** NUN_LOG_LEVEL (and --nundb.log-level) set the root log level through nundb.log-level. */
@Timeout(60)
class LogLevelSettingTest {

    private LogLevel before;

    private static LoggingSystem logging() {
        return LoggingSystem.get(LogLevelSettingTest.class.getClassLoader());
    }

    @AfterEach
    void restore() {
        if (before != null) {
            logging().setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, before);
        }
    }

    private LogLevel rootLevelWith(Map<String, Object> env, String... args) {
        before =
                logging().getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME).getEffectiveLevel();
        try (ConfigurableApplicationContext ctx = DurationSettingsTest.context(env, args)) {
            return logging()
                    .getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME)
                    .getEffectiveLevel();
        }
    }

    @Test
    void theVariableAndTheFlagSetTheRootLevel() {
        assertThat(rootLevelWith(Map.of("NUN_LOG_LEVEL", "WARN"))).isEqualTo(LogLevel.WARN);
        assertThat(rootLevelWith(Map.of("NUN_LOG_LEVEL", "WARN"), "--nundb.log-level=ERROR"))
                .isEqualTo(LogLevel.ERROR);
        assertThat(rootLevelWith(Map.of())).isEqualTo(LogLevel.INFO);
    }
}
