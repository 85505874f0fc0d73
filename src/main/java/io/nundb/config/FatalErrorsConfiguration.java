package io.nundb.config;

import io.nundb.health.FatalErrors;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Installs {@link FatalErrors}: liveness BROKEN and readiness REFUSING_TRAFFIC, then
 * {@link Runtime#halt}: a graceful shutdown could hang or snapshot a state the failure broke, while
 * the op log and the last snapshot restore everything acknowledged.
 */
@Configuration(proxyBeanMethods = false)
public class FatalErrorsConfiguration {

    @Bean
    FatalErrors fatalErrors(ApplicationContext context) {
        FatalErrors fatal = new FatalErrors(
                () -> {
                    AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
                    AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
                },
                code -> Runtime.getRuntime().halt(code));
        fatal.install();
        return fatal;
    }
}
