package io.nundb.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns one of NunDB's {@code host:port} settings into the host and port properties of the Spring
 * server it configures, as defaults: explicit settings of those properties win. Runs once, while
 * the environment is prepared, on the thread that starts the application.
 */
abstract class AddressPostProcessor implements EnvironmentPostProcessor {

    private final String property;
    private final String hostProperty;
    private final String portProperty;

    AddressPostProcessor(String property, String hostProperty, String portProperty) {
        this.property = property;
        this.hostProperty = hostProperty;
        this.portProperty = portProperty;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String addr = environment.getProperty(property);
        if (addr == null || addr.isBlank()) {
            return;
        }
        HostPort hp = HostPort.parse(addr);
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(property, Map.of(hostProperty, hp.host(), portProperty, hp.port())));
    }
}
