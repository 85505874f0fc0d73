package io.nundb.config;

import io.nundb.security.OriginPolicy;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.rsocket.OutboundLimit;
import io.nundb.transport.rsocket.RSocketLimits;
import io.nundb.transport.rsocket.RSocketLogin;
import io.nundb.transport.rsocket.RSocketRouter;
import io.nundb.transport.rsocket.RSocketSetupCheck;
import io.nundb.transport.rsocket.RSocketWebSocketRoute;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import io.rsocket.core.RSocketServer;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.rsocket.autoconfigure.RSocketMessageHandlerCustomizer;
import org.springframework.boot.rsocket.messaging.RSocketStrategiesCustomizer;
import org.springframework.boot.rsocket.server.RSocketServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.rsocket.RSocketStrategies;
import org.springframework.messaging.rsocket.annotation.support.RSocketMessageHandler;

/**
 * The RSocket door: its limits, its login read from the setup metadata, the SETUP check of the
 * MIME types, the handler that answers unknown routes plainly, and the WebSocket transport on the
 * HTTP port next to the TCP listener.
 */
@Configuration(proxyBeanMethods = false)
public class RSocketConfiguration {

    @Bean
    RSocketLimits rsocketLimits(OutboxLimits outboxLimits, NunDbProperties props, ConnectionBudget connections) {
        return new RSocketLimits(outboxLimits, props.maxLineLength(), connections);
    }

    /** The bytes RSocket queues for a connection, held to the outbox byte limits. */
    @Bean
    OutboundLimit rsocketOutboundLimit(OutboxLimits outboxLimits, DeliveryStats stats) {
        return new OutboundLimit(outboxLimits, stats);
    }

    /**
     * Frames and reassembled fragments above the value limit are refused by RSocket itself, before
     * any login: an unauthenticated fragmented payload cannot grow past it. A connection that sends
     * no SETUP frame within the handshake timeout is closed. A SETUP with MIME types the door does
     * not speak is rejected with a message naming the accepted ones. Outbound frames a connection
     * does not read are bounded in bytes ({@link OutboundLimit}). Applies to TCP and WebSocket.
     */
    @Bean
    RSocketServerCustomizer nundbRSocketLimits(NunDbProperties props, LimitsProperties limits, OutboundLimit outbound) {
        int maxPayload = RSocketLimits.maxPayload(props.maxLineLength());
        return server -> server.maxInboundPayloadSize(maxPayload)
                .maxTimeToFirstFrame(limits.handshakeTimeout())
                .interceptors(registry ->
                        registry.forSocketAcceptor(new RSocketSetupCheck()).forConnection(outbound));
    }

    @Bean
    RSocketStrategiesCustomizer nundbLoginMetadata() {
        return strategies -> strategies.metadataExtractorRegistry(
                registry -> registry.metadataToExtract(RSocketLogin.MIME_TYPE, String.class, RSocketLogin.HEADER));
    }

    /** Spring Boot's message handler (same strategies and customizers), answering unknown routes plainly. */
    @Bean
    RSocketMessageHandler messageHandler(
            RSocketStrategies strategies, ObjectProvider<RSocketMessageHandlerCustomizer> customizers) {
        RSocketRouter handler = new RSocketRouter();
        handler.setRSocketStrategies(strategies);
        customizers.orderedStream().forEach(c -> c.customize(handler));
        return handler;
    }

    /** RSocket over WebSocket at {@code nundb.rsocket-ws-path} on the HTTP port; an empty path turns it off. */
    @Bean
    @ConditionalOnExpression("!'${nundb.rsocket-ws-path:/rsocket}'.isBlank()")
    RSocketWebSocketRoute rsocketWebSocketRoute(
            @Value("${nundb.rsocket-ws-path:/rsocket}") String path,
            RSocketMessageHandler handler,
            ObjectProvider<RSocketServerCustomizer> customizers,
            NunDbProperties props,
            OriginPolicy origins) {
        List<Consumer<RSocketServer>> each = customizers
                .orderedStream()
                .map(c -> (Consumer<RSocketServer>) c::customize)
                .toList();
        return new RSocketWebSocketRoute(
                path, handler.responder(), each, RSocketLimits.maxPayload(props.maxLineLength()), origins);
    }
}
