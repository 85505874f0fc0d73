package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Every duration setting means the same thing whether it arrives as a NUN_* variable, a relaxed
 * {@code NUNDB_*} variable or a {@code --nundb.*} flag: a bare number is in the documented unit,
 * and a value with a unit ({@code 5m}) is taken as written. Runs Spring's real binding with
 * application.yml, with the process environment replaced by the test's.
 */
@Timeout(60)
class DurationSettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({NunDbProperties.class, StorageProperties.class})
    static class PropertiesOnly {}

    /** A setting: its NUN_* variable, its property, how to read it from the bound beans, its unit. */
    record Setting(
            String variable,
            String property,
            Function<ConfigurableApplicationContext, Duration> read,
            Duration one,
            Duration byDefault) {

        String relaxedVariable() {
            return property.toUpperCase().replace('.', '_').replace("-", "");
        }
    }

    static final Setting DECLUTTER = new Setting(
            "NUN_DECLUTTER_INTERVAL",
            "nundb.declutter-interval",
            c -> c.getBean(NunDbProperties.class).declutterInterval(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(300));
    static final Setting ELECTION = new Setting(
            "NUN_ELECTION_TIMEOUT",
            "nundb.election-timeout",
            c -> c.getBean(NunDbProperties.class).electionTimeout(),
            Duration.ofMillis(1),
            Duration.ofMillis(1000));
    static final Setting FSYNC = new Setting(
            "NUN_FSYNC_INTERVAL",
            "nundb.storage.fsync-interval",
            c -> c.getBean(StorageProperties.class).fsyncInterval(),
            Duration.ofMillis(1),
            Duration.ofMillis(100));
    static final Setting SHUTDOWN = new Setting(
            "NUN_SHUTDOWN_SNAPSHOT_TIMEOUT",
            "nundb.storage.shutdown-timeout",
            c -> c.getBean(StorageProperties.class).shutdownTimeout(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60));

    static Stream<Arguments> settings() {
        return Stream.of(DECLUTTER, ELECTION, FSYNC, SHUTDOWN).map(Arguments::of);
    }

    private static Duration bind(Setting setting, Map<String, Object> env, String... args) {
        try (ConfigurableApplicationContext ctx = context(env, args)) {
            return setting.read().apply(ctx);
        }
    }

    /** The settings beans bound by Spring with application.yml, {@code env} as the process environment. */
    static ConfigurableApplicationContext context(Map<String, Object> env, String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return new SpringApplicationBuilder(PropertiesOnly.class)
                .environment(environment)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run(args);
    }

    @ParameterizedTest
    @MethodSource("settings")
    void aBareNumberIsInTheDocumentedUnitHoweverItIsSet(Setting setting) {
        Duration seven = setting.one().multipliedBy(7);
        assertThat(bind(setting, Map.of(setting.variable(), "7")))
                .as(setting.variable())
                .isEqualTo(seven);
        assertThat(bind(setting, Map.of(), "--" + setting.property() + "=7"))
                .as("--" + setting.property())
                .isEqualTo(seven);
        assertThat(bind(setting, Map.of(setting.relaxedVariable(), "7")))
                .as(setting.relaxedVariable())
                .isEqualTo(seven);
    }

    @ParameterizedTest
    @MethodSource("settings")
    void aValueWithAUnitMeansWhatItSays(Setting setting) {
        assertThat(bind(setting, Map.of(setting.variable(), "5m"))).isEqualTo(Duration.ofMinutes(5));
        assertThat(bind(setting, Map.of(), "--" + setting.property() + "=5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(bind(setting, Map.of(setting.variable(), "250ms"))).isEqualTo(Duration.ofMillis(250));
        assertThat(bind(setting, Map.of(setting.variable(), "2s"))).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @MethodSource("settings")
    void theDefaultIsTheDocumentedOne(Setting setting) {
        assertThat(bind(setting, Map.of())).isEqualTo(setting.byDefault());
    }

    @Test
    void aFlagWinsOverTheVariable() {
        assertThat(bind(DECLUTTER, Map.of("NUN_DECLUTTER_INTERVAL", "300"), "--nundb.declutter-interval=10"))
                .isEqualTo(Duration.ofSeconds(10));
    }
}
