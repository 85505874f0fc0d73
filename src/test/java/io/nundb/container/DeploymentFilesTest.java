package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.metrics.MeterNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
                .contains("FROM debian:trixie-slim AS build")
                .contains("FROM scratch")
                .contains("USER 10001:10001")
                .contains("VOLUME [\"/data\"]")
                .contains("EXPOSE 3012 3013 3014 3015 3016")
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
    void composeFileRunsAThreeNodeClusterAndScrapesEveryNode() throws IOException {
        Map<String, Object> compose = yaml("docker-compose.yml");
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsOnlyKeys("nundb-1", "nundb-2", "nundb-3", "prometheus", "grafana");
        Set<String> volumes = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            String name = "nundb-" + i;
            Map<String, Object> node = map(services.get(name));
            // a hostname would be a DNS name on every network the node joins (ComposeClusterTest)
            assertThat(node).doesNotContainKey("profiles").doesNotContainKey("hostname");
            Map<String, Object> env = map(node.get("environment"));
            // peers by service name, this node by its own
            assertThat(env)
                    .containsEntry("NUN_REPLICATE_ADDR", "nundb-1:3016,nundb-2:3016,nundb-3:3016")
                    .containsEntry("NUN_EXTERNAL_ADDR", name + ":3016")
                    .containsEntry("NUN_CLUSTER_ADDR", "0.0.0.0:3016");
            // secrets come from .env (docker/gen-env.sh), required, never a default in the file
            assertThat(env.get("NUN_PWD").toString()).startsWith("${NUN_PWD:?run docker/gen-env.sh");
            assertThat(env.get("NUN_CLUSTER_SECRET").toString())
                    .startsWith("${NUN_CLUSTER_SECRET:?run docker/gen-env.sh");
            List<Object> mounts = (List<Object>) node.get("volumes");
            assertThat(mounts).containsExactly(name + "-data:/data");
            volumes.add(mounts.get(0).toString());
            assertThat((List<Object>) node.get("ports"))
                    .allSatisfy(p -> assertThat(p.toString()).startsWith("127.0.0.1:"));
            assertRoomForConnections(node);
        }
        assertThat(volumes).hasSize(3);
        assertThat(map(compose.get("volumes"))).containsKeys("nundb-1-data", "nundb-2-data", "nundb-3-data");
        // host ports default to 3012-3015 for node 1 (3022-3024, 3032-3034 for the others); empty
        // variables let Docker choose (ComposeClusterTest runs it so)
        assertThat((List<Object>) map(services.get("nundb-1")).get("ports"))
                .containsExactly("127.0.0.1:${NUNDB_1_PORTS-3012-3015}:3012-3015");
        assertThat((List<Object>) map(services.get("nundb-2")).get("ports"))
                .containsExactly("127.0.0.1:${NUNDB_2_PORTS-3022-3024}:3012-3014");
        assertThat((List<Object>) map(services.get("nundb-3")).get("ports"))
                .containsExactly("127.0.0.1:${NUNDB_3_PORTS-3032-3034}:3012-3014");
        assertThat(map(services.get("nundb-1")).get("image")).isEqualTo("${NUNDB_IMAGE:-nundb-jvm:latest}");

        for (String monitoring : List.of("prometheus", "grafana")) {
            assertThat((List<Object>) map(services.get(monitoring)).get("profiles"))
                    .containsExactly("monitoring");
        }
        assertThat((List<Object>) map(services.get("grafana")).get("volumes"))
                .contains(
                        "./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./ops/grafana/nundb-dashboard.json:/var/lib/grafana/dashboards/nundb-dashboard.json:ro");

        Map<String, Object> prometheus = yaml("ops/prometheus/prometheus.yml");
        Map<String, Object> job = map(((List<?>) prometheus.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        Map<String, Object> targets = map(((List<?>) job.get("static_configs")).get(0));
        assertThat((List<Object>) targets.get("targets"))
                .containsExactly("nundb-1:3013", "nundb-2:3013", "nundb-3:3013");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSingleNodeFileStaysAndNeedsNoPassword() throws IOException {
        Map<String, Object> services = map(yaml("docker-compose.single.yml").get("services"));
        assertThat(services).containsOnlyKeys("nundb");
        Map<String, Object> node = map(services.get("nundb"));
        assertThat(map(node.get("environment")).get("NUN_PWD")).isEqualTo("${NUN_PWD:-}");
        assertThat((List<Object>) node.get("volumes")).contains("nundb-data:/data");
        assertRoomForConnections(node);
    }

    /** One descriptor per connection: the node's nofile limit holds NUN_MAX_CONNECTIONS (10,000) on every door. */
    private static void assertRoomForConnections(Map<String, Object> node) {
        Map<String, Object> nofile = map(map(node.get("ulimits")).get("nofile"));
        assertThat(((Number) nofile.get("soft")).intValue()).isGreaterThanOrEqualTo(20000);
        assertThat(((Number) nofile.get("hard")).intValue()).isGreaterThanOrEqualTo(20000);
    }

    @Test
    @Timeout(30)
    void genEnvWritesThePrivateEnvFileOnceAndKeepsIt(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("docker"));
        Path script = Files.copy(ROOT.resolve("docker/gen-env.sh"), dir.resolve("docker/gen-env.sh"));
        assertThat(Files.isExecutable(ROOT.resolve("docker/gen-env.sh"))).isTrue();
        assertThat(run(script)).isZero();
        Path env = dir.resolve(".env");
        String first = Files.readString(env);
        assertThat(first)
                .containsPattern("(?m)^NUN_PWD=[0-9a-f]{24}$")
                .containsPattern("(?m)^NUN_CLUSTER_SECRET=[0-9a-f]{48}$");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env)))
                .isEqualTo("rw-------");
        assertThat(run(script)).isZero();
        assertThat(Files.readString(env)).isEqualTo(first);
        assertThat(run(script, "--force")).isZero();
        assertThat(Files.readString(env)).isNotEqualTo(first);
        assertThat(Files.readString(ROOT.resolve(".gitignore"))).containsPattern("(?m)^\\.env$");
    }

    private static int run(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor();
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

    /** The cluster's series the board must show (issue 11: a Grafana board for the cluster). */
    static final Set<String> CLUSTER_SERIES = Set.of(
            "nundb_cluster_role",
            "nundb_cluster_ready",
            "nundb_cluster_term",
            "nundb_cluster_commit_index",
            "nundb_cluster_applied_index",
            "nundb_cluster_peer_lag_entries",
            "nundb_cluster_replication_latency_seconds_count",
            "nundb_cluster_replication_latency_seconds_sum",
            "nundb_cluster_replication_latency_seconds_bucket",
            "nundb_cluster_elections_total",
            "nundb_cluster_leader_changes_total",
            "nundb_cluster_truncated_entries_total",
            "nundb_cluster_forwarded_writes_total");

    @Test
    @SuppressWarnings("unchecked")
    void dashboardAndDocsNameOnlyRegisteredMeters() throws Exception {
        Set<String> series = prometheusSeries();
        String dashboard = Files.readString(ROOT.resolve("ops/grafana/nundb-dashboard.json"));
        Map<String, Object> parsed = new Yaml().load(dashboard);
        List<Map<String, Object>> panels = (List<Map<String, Object>>) parsed.get("panels");
        assertThat(panels).isNotEmpty();
        Matcher m = Pattern.compile("nundb_[a-z_]+").matcher(dashboard);
        Set<String> used = new HashSet<>();
        while (m.find()) {
            used.add(m.group());
        }
        assertThat(series).containsAll(used);
        // every cluster meter has a panel, and so do today's meters
        assertThat(used).containsAll(CLUSTER_SERIES).contains("nundb_storage_writable", "nundb_commands_seconds_count");

        // the datasource is an import input, so the JSON imports into any Grafana unchanged
        assertThat(parsed.get("__inputs").toString())
                .contains("name=DS_PROMETHEUS")
                .contains("pluginId=prometheus");
        assertThat(parsed.get("templating").toString())
                .contains("name=DS_PROMETHEUS, label=Datasource, type=datasource");
        Set<Object> ids = new HashSet<>();
        for (Map<String, Object> panel : panels) {
            assertThat(ids.add(panel.get("id")))
                    .as("unique panel id " + panel.get("id"))
                    .isTrue();
            if (panel.get("type").equals("row")) {
                continue;
            }
            assertThat(map(panel.get("datasource"))).containsEntry("uid", "${DS_PROMETHEUS}");
            List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
            assertThat(targets).as(panel.get("title").toString()).isNotEmpty();
            for (Map<String, Object> target : targets) {
                assertThat(map(target.get("datasource"))).containsEntry("uid", "${DS_PROMETHEUS}");
                assertThat(target.get("expr").toString()).contains("instance=~\"$instance\"");
            }
        }

        String docs = Files.readString(ROOT.resolve("docs/operations.md"));
        for (String meter : meterNames()) {
            assertThat(docs).as("docs/operations.md documents " + meter).contains("`" + meter + "`");
        }
    }

    /** The Prometheus series names of every meter in MeterNames. */
    private static Set<String> prometheusSeries() throws IllegalAccessException {
        Set<String> timers = Set.of(
                MeterNames.COMMANDS,
                MeterNames.OPLOG_FSYNC,
                MeterNames.SNAPSHOT_DURATION,
                MeterNames.CLUSTER_REPLICATION_LATENCY);
        Set<String> counters = Set.of(
                MeterNames.NOTIFICATIONS_SENT,
                MeterNames.NOTIFICATIONS_DROPPED,
                MeterNames.SLOW_CONSUMERS_DISCONNECTED,
                MeterNames.CLUSTER_ELECTIONS,
                MeterNames.CLUSTER_LEADER_CHANGES,
                MeterNames.CLUSTER_TRUNCATED,
                MeterNames.CLUSTER_FORWARDED);
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
