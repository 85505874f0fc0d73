package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.metrics.MeterNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Dockerfile, compose file, Helm chart, Grafana dashboard and docs agree with the code: valid
 * YAML/JSON, every chart value a template uses exists, and every metric the dashboard or docs name is
 * one the server registers (helm itself is not available on our machines).
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("");

    @Test
    void dockerfileBuildsWithTheClassicBuilderAndRunsAsNonRoot() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .doesNotContain("--mount")
                .doesNotContain("# syntax=")
                .doesNotContain("<<")
                .contains("FROM debian:bookworm-slim AS build")
                .contains("FROM scratch")
                .contains("USER 10001:10001")
                .contains("VOLUME [\"/data\"]")
                .contains("EXPOSE 3012 3013 3014 3015")
                .contains("NUN_DBS_DIR=/data")
                // the health check is the static probe, not a JVM every 10 s
                .contains("CMD [\"/usr/local/bin/nun-db-probe\"]")
                .contains("gcc -static");
        String healthcheck =
                dockerfile.substring(dockerfile.indexOf("\nHEALTHCHECK "), dockerfile.indexOf("\nENTRYPOINT"));
        assertThat(healthcheck).doesNotContain("NONE").doesNotContain("java");
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("!docker/probe.c");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeFileRunsTheNodeAndScrapesIt() throws IOException {
        Map<String, Object> compose = yaml("docker-compose.yml");
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsKeys("nundb", "prometheus", "grafana");
        Map<String, Object> node = map(services.get("nundb"));
        assertThat((List<Object>) node.get("ports"))
                .contains("127.0.0.1:3012:3012", "127.0.0.1:3013:3013", "127.0.0.1:3014:3014");
        assertThat((List<Object>) node.get("volumes")).contains("nundb-data:/data");

        Map<String, Object> prometheus = yaml("ops/prometheus/prometheus.yml");
        Map<String, Object> job = map(((List<?>) prometheus.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(job.toString()).contains("nundb:3013");
    }

    @Test
    void helmTemplatesOnlyUseValuesThatExist() throws IOException {
        Map<String, Object> chart = yaml("helm/nundb/Chart.yaml");
        assertThat(chart).containsEntry("apiVersion", "v2").containsEntry("name", "nundb");
        Map<String, Object> values = yaml("helm/nundb/values.yaml");
        Pattern ref = Pattern.compile("\\.Values\\.([A-Za-z0-9_.]+)");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> templates = Files.walk(ROOT.resolve("helm/nundb/templates"))) {
            for (Path t : templates.filter(Files::isRegularFile).toList()) {
                Matcher m = ref.matcher(Files.readString(t));
                while (m.find()) {
                    Object v = values;
                    for (String part : m.group(1).split("\\.")) {
                        v = v instanceof Map<?, ?> mm && mm.containsKey(part) ? mm.get(part) : null;
                    }
                    if (v == null) {
                        missing.add(t.getFileName() + ": .Values." + m.group(1));
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
        // what the rendered chart must do is checked by real Helm in HelmChartTest
    }

    @Test
    void dashboardAndDocsNameOnlyRegisteredMeters() throws Exception {
        Set<String> series = prometheusSeries();
        String dashboard = Files.readString(ROOT.resolve("ops/grafana/nundb-dashboard.json"));
        Map<String, Object> parsed = new Yaml().load(dashboard);
        assertThat((List<?>) parsed.get("panels")).isNotEmpty();
        Matcher m = Pattern.compile("nundb_[a-z_]+").matcher(dashboard);
        Set<String> used = new HashSet<>();
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(used).isNotEmpty();
        assertThat(series).containsAll(used);

        String docs = Files.readString(ROOT.resolve("docs/operations.md"));
        for (String meter : meterNames()) {
            assertThat(docs).as("docs/operations.md documents " + meter).contains("`" + meter + "`");
        }
    }

    /** The Prometheus series names of every meter in MeterNames. */
    private static Set<String> prometheusSeries() throws IllegalAccessException {
        Set<String> timers = Set.of(MeterNames.COMMANDS, MeterNames.OPLOG_FSYNC, MeterNames.SNAPSHOT_DURATION);
        Set<String> counters = Set.of(
                MeterNames.NOTIFICATIONS_SENT,
                MeterNames.NOTIFICATIONS_DROPPED,
                MeterNames.SLOW_CONSUMERS_DISCONNECTED);
        Set<String> result = new HashSet<>();
        for (String meter : meterNames()) {
            String base = meter.replace('.', '_');
            if (timers.contains(meter)) {
                for (String suffix : new String[] {"_count", "_sum", "_bucket", "_max"}) {
                    result.add(base + "_seconds" + suffix);
                }
            } else if (counters.contains(meter)) {
                result.add(base + "_total");
            } else {
                result.add(base);
            }
        }
        return result;
    }

    private static List<String> meterNames() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : MeterNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && ((String) f.get(null)).startsWith("nundb.")) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml().load(Files.readString(ROOT.resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
