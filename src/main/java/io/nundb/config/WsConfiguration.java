package io.nundb.config;

import io.nundb.command.CommandExecutor;
import io.nundb.security.OriginPolicy;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.ws.WsServer;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The WebSocket listener on {@code nundb.ws-addr} ({@code NUN_WS_ADDR}). */
@Configuration(proxyBeanMethods = false)
public class WsConfiguration {

    @Bean
    WsServer wsServer(
            NunDbProperties props,
            CommandExecutor executor,
            DeliveryStats stats,
            OutboxLimits outboxLimits,
            OriginPolicy originPolicy,
            LimitsProperties limits,
            ConnectionBudget connections) {
        HostPort addr = HostPort.parse(props.wsAddr());
        return new WsServer(
                        addr.host(),
                        addr.port(),
                        executor,
                        stats,
                        outboxLimits,
                        props.maxLineLength(),
                        originPolicy,
                        limits.handshakeTimeout(),
                        connections)
                .idleTimeout(limits.idleTimeout());
    }
}
