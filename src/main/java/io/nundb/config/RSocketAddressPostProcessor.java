package io.nundb.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code nundb.rsocket-addr} ({@code NUN_RSOCKET_ADDR}, default {@code 0.0.0.0:3015}) into
 * Spring's {@code spring.rsocket.server.address} and {@code port}, which start a standalone RSocket
 * server for clients; explicit {@code spring.rsocket.server.*} settings win.
 */
public class RSocketAddressPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String addr = environment.getProperty("nundb.rsocket-addr");
        if (addr == null || addr.isBlank()) {
            return;
        }
        HostPort hp = HostPort.parse(addr);
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "nundb-rsocket-addr",
                        Map.of("spring.rsocket.server.address", hp.host(), "spring.rsocket.server.port", hp.port())));
    }
}
