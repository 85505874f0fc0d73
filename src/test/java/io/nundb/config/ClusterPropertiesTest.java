package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/** The cluster settings bind from NunDB-style environment variables through application.yml. */
class ClusterPropertiesTest {

    @Test
    void defaultsWithoutEnvironment() throws IOException {
        NunDbProperties props = bind(Map.of());
        assertThat(props.clusterAddr()).isEqualTo("0.0.0.0:3016");
        assertThat(props.clusterSecret()).isEmpty();
        assertThat(props.clusterNodeId()).isEqualTo("0.0.0.0:3016");
        assertThat(props.nodeName()).isEqualTo("0.0.0.0:3014");
    }

    @Test
    void environmentVariablesFeedTheClusterSettings() throws IOException {
        NunDbProperties props = bind(Map.of(
                "NUN_CLUSTER_ADDR", "0.0.0.0:4016",
                "NUN_CLUSTER_SECRET", "s3cret",
                "NUN_EXTERNAL_ADDR", "node-a:4016"));
        assertThat(props.clusterAddr()).isEqualTo("0.0.0.0:4016");
        assertThat(props.clusterSecret()).isEqualTo("s3cret");
        assertThat(props.clusterNodeId()).isEqualTo("node-a:4016");
        assertThat(props.toString()).doesNotContain("s3cret").contains("clusterSecret=****");
    }

    private static NunDbProperties bind(Map<String, Object> env) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        // stands in for the process environment, ahead of the real one (which may set NUN_* too)
        environment.getPropertySources().addFirst(new MapPropertySource("test-env", env));
        new YamlPropertySourceLoader()
                .load("application", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        return Binder.get(environment).bind("nundb", NunDbProperties.class).get();
    }
}
