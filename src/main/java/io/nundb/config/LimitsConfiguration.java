package io.nundb.config;

import io.nundb.security.AdminCredentials;
import io.nundb.security.OriginPolicy;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.http.ActuatorCredentials;
import io.nundb.transport.http.HttpConnectionLimit;
import io.nundb.transport.http.OriginGuard;
import io.nundb.transport.http.ReadAfterResponse;
import io.nundb.watch.ByteBudget;
import io.nundb.watch.OutboxLimits;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node-wide budgets for outbound text and for connections shared by every door, the HTTP
 * door's connection limit, and the browser-origin policy.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

    /** {@code nundb.allowed-origins} ({@code NUN_ALLOWED_ORIGINS}): browser origins for HTTP and WebSocket. */
    @Bean
    OriginPolicy originPolicy(@Value("${nundb.allowed-origins:*}") String allowedOrigins) {
        return OriginPolicy.parse(allowedOrigins);
    }

    @Bean
    OriginGuard originGuard(OriginPolicy originPolicy) {
        return new OriginGuard(originPolicy);
    }

    /** Health details for the admin only ({@code show-details: when-authorized} in application.yml). */
    @Bean
    ActuatorCredentials actuatorCredentials(AdminCredentials admin) {
        return new ActuatorCredentials(admin);
    }

    /**
     * The connections of the four client doors: {@code NUN_MAX_CONNECTIONS} per door, all within
     * what the file-descriptor limit leaves, each door keeping a share the others cannot take.
     */
    @Bean
    ConnectionBudget connectionBudget(LimitsProperties limits) {
        return FileDescriptorBudget.budget(limits.maxConnections());
    }

    /** The HTTP door's part of the connection budget; probes are served past it. */
    @Bean
    HttpConnectionLimit httpConnectionLimit(ConnectionBudget connections, LimitsProperties limits) {
        return new HttpConnectionLimit(connections, limits.handshakeTimeout());
    }

    @Bean
    NettyServerCustomizer nundbHttpConnectionLimit(HttpConnectionLimit limit) {
        return limit::apply;
    }

    /** Works around a Reactor Netty 1.3.6 bug that left kept-alive connections unread (see the class). */
    @Bean
    NettyServerCustomizer nundbReadAfterResponse() {
        return ReadAfterResponse::apply;
    }

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
