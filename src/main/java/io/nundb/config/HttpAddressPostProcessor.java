package io.nundb.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code nundb.http-addr} ({@code NUN_HTTP_ADDR}, NunDB's {@code host:port} form) into the
 * WebFlux server's {@code server.address} and {@code server.port}, unless those are set explicitly.
 */
public class HttpAddressPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String addr = environment.getProperty("nundb.http-addr");
        if (addr == null || addr.isBlank()) {
            return;
        }
        HostPort hp = HostPort.parse(addr);
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "nundb-http-addr", Map.of("server.address", hp.host(), "server.port", hp.port())));
    }
}
