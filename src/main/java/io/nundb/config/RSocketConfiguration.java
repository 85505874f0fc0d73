package io.nundb.config;

import io.nundb.transport.rsocket.RSocketLimits;
import io.nundb.transport.rsocket.RSocketLogin;
import io.nundb.watch.OutboxLimits;
import org.springframework.boot.rsocket.messaging.RSocketStrategiesCustomizer;
import org.springframework.boot.rsocket.server.RSocketServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The RSocket door's limits, and its login read from the setup metadata. */
@Configuration(proxyBeanMethods = false)
public class RSocketConfiguration {

    @Bean
    RSocketLimits rsocketLimits(OutboxLimits outboxLimits, NunDbProperties props, LimitsProperties limits) {
        return new RSocketLimits(outboxLimits, props.maxLineLength(), limits.maxConnections());
    }

    /**
     * Frames and reassembled fragments above the value limit are refused by RSocket itself, before
     * any login: an unauthenticated fragmented payload cannot grow past it. A connection that sends
     * no SETUP frame within the handshake timeout is closed.
     */
    @Bean
    RSocketServerCustomizer nundbRSocketLimits(NunDbProperties props, LimitsProperties limits) {
        int maxPayload = RSocketLimits.maxPayload(props.maxLineLength());
        return server -> server.maxInboundPayloadSize(maxPayload).maxTimeToFirstFrame(limits.handshakeTimeout());
    }

    @Bean
    RSocketStrategiesCustomizer nundbLoginMetadata() {
        return strategies -> strategies.metadataExtractorRegistry(
                registry -> registry.metadataToExtract(RSocketLogin.MIME_TYPE, String.class, RSocketLogin.HEADER));
    }
}
