package io.nundb.config;

import io.nundb.command.CommandExecutor;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The plain-TCP listener on {@code nundb.tcp-addr}, started and stopped with the context. */
@Configuration(proxyBeanMethods = false)
public class TcpConfiguration {

    @Bean
    TcpListener tcpListener(
            CommandExecutor executor,
            DeliveryStats stats,
            NunDbProperties props,
            OutboxLimits outboxLimits,
            LimitsProperties limits,
            ConnectionBudget connections) {
        HostPort addr = HostPort.parse(props.tcpAddr());
        return new TcpListener(
                        executor, stats, addr.host(), addr.port(), props.maxLineLength(), outboxLimits, connections)
                .idleTimeout(limits.idleTimeout())
                .lineTimeout(limits.lineTimeout());
    }
}
