package io.nundb.config;

import io.nundb.transport.rsocket.RSocketLimits;
import io.nundb.transport.rsocket.RSocketLogin;
import io.nundb.watch.OutboxLimits;
import org.springframework.boot.rsocket.messaging.RSocketStrategiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Lets the RSocket door read its login from the setup metadata. */
@Configuration(proxyBeanMethods = false)
public class RSocketConfiguration {

    @Bean
    RSocketLimits rsocketLimits(OutboxLimits outboxLimits) {
        return new RSocketLimits(outboxLimits);
    }

    @Bean
    RSocketStrategiesCustomizer nundbLoginMetadata() {
        return strategies -> strategies.metadataExtractorRegistry(
                registry -> registry.metadataToExtract(RSocketLogin.MIME_TYPE, String.class, RSocketLogin.HEADER));
    }
}
