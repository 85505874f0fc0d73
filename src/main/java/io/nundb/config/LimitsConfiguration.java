package io.nundb.config;

import io.nundb.watch.ByteBudget;
import io.nundb.watch.OutboxLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node-wide budget for outbound text shared by every door (see {@link LimitsProperties}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

    @Bean
    ByteBudget outboundBudget(LimitsProperties limits) {
        return new ByteBudget(limits.outboundTotalBytes());
    }

    /** Every connection's outbox: {@code nundb.outbox-limit} messages and {@code nundb.limits.outbox-max-bytes}. */
    @Bean
    OutboxLimits outboxLimits(NunDbProperties props, LimitsProperties limits, ByteBudget outboundBudget) {
        return new OutboxLimits(props.outboxLimit(), limits.outboxMaxBytes(), outboundBudget);
    }
}
