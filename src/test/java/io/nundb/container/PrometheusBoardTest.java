package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.container.PrometheusProcess.Sample;
import io.nundb.testing.LineClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana board against a real Prometheus: Debian's {@code prometheus} scrapes three clustered
 * server processes with the compose file's scrape configuration ({@link PrometheusProcess#config}),
 * the nodes get client traffic (writes through every node, reads, watches, a version conflict), and
 * then every panel's PromQL, as the board has it, must return data: with the board's Node variable
 * at "All", a series for each of the three nodes wherever the query keeps the {@code instance}
 * label, and with the variable set to each node in turn, a non-empty result. Runs without Docker;
 * skipped with the reason where prometheus is not installed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PrometheusBoardTest {

    static final Path BOARD = Path.of("ops/grafana/nundb-dashboard.json");

    /** Scrape interval for the test (the compose file's 15 s would make it wait minutes). */
    private static final String SCRAPE = "2s";

    /** What Grafana's {@code $__rate_interval} is at a 2 s scrape interval, with room for a late scrape. */
    private static final String RATE_INTERVAL = "10s";

    private static final Duration START = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryReturnsDataFromAllThreeNodes() throws Exception {
        assumeTrue(
                PrometheusProcess.installed(),
                "prometheus is not installed: board query test skipped. Install Debian's package "
                        + "(apt-get install -y prometheus; .ci/run does), then re-run.");
        List<String> queries = boardQueries(BOARD);
        assertThat(queries).hasSizeGreaterThan(20);
        List<String> nodes = composeNodeNames();
        assertThat(nodes).containsExactly("nundb-1", "nundb-2", "nundb-3");

        try (ProcessCluster cluster = ProcessCluster.builder(Files.createDirectories(dir.resolve("cluster")))
                .nodes(3)
                .clustered(true)
                .ack("majority")
                .startTimeout(START)
                .build()) {
            cluster.startAll();
            for (int i = 0; i < 3; i++) {
                cluster.waitReady(i, START);
            }
            String config = PrometheusProcess.config(
                    PrometheusProcess.COMPOSE_CONFIG,
                    i -> "127.0.0.1:" + cluster.node(i).httpPort(),
                    SCRAPE);
            try (PrometheusProcess prometheus =
                            PrometheusProcess.start(Files.createDirectories(dir.resolve("prometheus")), config);
                    Traffic traffic = new Traffic(cluster)) {
                await("prometheus scrapes all three nodes")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(instances(prometheus.vector("up == 1")))
                                .containsExactlyElementsOf(nodes));
                // the board's Node variable lists the three nodes
                assertThat(instances(prometheus.vector("nundb_commands_seconds_count")))
                        .containsExactlyElementsOf(nodes);

                List<String> failures = new ArrayList<>();
                try {
                    await("every board query answers for every node")
                            .atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofSeconds(2))
                            .until(() -> {
                                traffic.round();
                                failures.clear();
                                failures.addAll(check(prometheus, queries, nodes));
                                return failures.isEmpty();
                            });
                } catch (RuntimeException e) {
                    throw new AssertionError(
                            "board queries without data from every node:\n  " + String.join("\n  ", failures), e);
                }
                // the check itself can fail: a series no node exports, and one only the primary has
                assertThat(check(prometheus, List.of("nundb_no_such_meter{instance=~\"$instance\"}"), nodes))
                        .hasSize(1 + nodes.size());
                assertThat(check(prometheus, List.of("nundb_cluster_role{instance=~\"$instance\"} == 1"), nodes))
                        .hasSize(1 + 2); // "only the primary", then no data with either secondary selected
                for (String query : queries) {
                    System.out.printf("board query %s -> %s%n", query, prometheus.vector(expand(query, ".*")));
                }
                System.out.printf("board: %d queries answered for each of %s%n", queries.size(), nodes);
            }
        }
    }

    /**
     * Every query's problems: with all nodes selected, no result, or nothing but NaN (nothing to plot),
     * or a node missing from a result that keeps the instance label; with one node selected, no result.
     */
    private static List<String> check(PrometheusProcess prometheus, List<String> queries, List<String> nodes)
            throws IOException {
        List<String> failures = new ArrayList<>();
        for (String query : queries) {
            List<Sample> all = prometheus.vector(expand(query, ".*"));
            boolean perNode = all.stream().anyMatch(s -> s.labels().containsKey("instance"));
            if (all.isEmpty()) {
                failures.add("no data: " + query);
            } else if (all.stream().noneMatch(PrometheusBoardTest::finite)) {
                failures.add("only NaN " + all + ": " + query);
            } else if (perNode && !instances(all).containsAll(nodes)) {
                failures.add("only " + instances(all) + ": " + query);
            }
            for (String node : nodes) {
                if (prometheus.vector(expand(query, node)).isEmpty()) {
                    failures.add("no data with Node=" + node + ": " + query);
                }
            }
        }
        return failures;
    }

    private static boolean finite(Sample s) {
        return !s.value().equals("NaN") && !s.value().endsWith("Inf");
    }

    /** The query as Grafana sends it, with the Node variable at {@code instance} (a regex). */
    static String expand(String query, String instance) {
        return query.replace("$__rate_interval", RATE_INTERVAL).replace("$instance", instance);
    }

    private static Set<String> instances(List<Sample> samples) {
        Set<String> out = new TreeSet<>();
        for (Sample s : samples) {
            if (s.labels().containsKey("instance")) {
                out.add(s.labels().get("instance"));
            }
        }
        return out;
    }

    /** Every target's {@code expr} of every panel, nested panels (collapsed rows) included. */
    @SuppressWarnings("unchecked")
    static List<String> boardQueries(Path board) throws IOException {
        Map<String, Object> parsed = new Yaml().load(Files.readString(board));
        List<String> out = new ArrayList<>();
        collect((List<Object>) parsed.get("panels"), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void collect(List<Object> panels, List<String> out) {
        if (panels == null) {
            return;
        }
        for (Object p : panels) {
            Map<String, Object> panel = (Map<String, Object>) p;
            for (Object t : (List<Object>) panel.getOrDefault("targets", List.of())) {
                Object expr = ((Map<String, Object>) t).get("expr");
                if (expr != null) {
                    out.add(expr.toString());
                }
            }
            collect((List<Object>) panel.get("panels"), out);
        }
    }

    /** The instance names the compose scrape configuration gives its targets (the part before the port). */
    @SuppressWarnings("unchecked")
    private static List<String> composeNodeNames() throws IOException {
        Map<String, Object> config = new Yaml().load(Files.readString(PrometheusProcess.COMPOSE_CONFIG));
        List<String> names = new ArrayList<>();
        for (Object job : (List<Object>) config.get("scrape_configs")) {
            for (Object group : (List<Object>) ((Map<String, Object>) job).get("static_configs")) {
                for (Object target : (List<Object>) ((Map<String, Object>) group).get("targets")) {
                    names.add(target.toString().replaceAll(":.*", ""));
                }
            }
        }
        return names;
    }

    /**
     * What a dashboard is for: clients on every node. Each round writes through every node (so
     * secondaries forward), reads on every node, provokes one version conflict per node, and keeps
     * a watch open per node that each write notifies, and snapshots the database on every node.
     */
    private static final class Traffic implements AutoCloseable {
        private static final String DB = "board";
        private static final String TOKEN = "board-token";

        private final ProcessCluster cluster;
        private final List<LineClient> clients = new ArrayList<>();
        private final List<LineClient> watchers = new ArrayList<>();
        private int round;

        Traffic(ProcessCluster cluster) throws IOException {
            this.cluster = cluster;
            try (LineClient admin = cluster.tcp(0)) {
                admin.call("auth " + ProcessCluster.USER + " " + ProcessCluster.PASSWORD);
                assertThat(admin.call("create-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
            }
            for (int i = 0; i < cluster.size(); i++) {
                int node = i;
                await("db on node " + node)
                        .atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .untilAsserted(() -> {
                            try (LineClient c = cluster.tcp(node)) {
                                assertThat(c.call("use-db " + DB + " " + TOKEN))
                                        .last()
                                        .isEqualTo("ok ");
                            }
                        });
                LineClient client = cluster.tcp(i);
                clients.add(client);
                assertThat(client.call("auth " + ProcessCluster.USER + " " + ProcessCluster.PASSWORD))
                        .last()
                        .isEqualTo("ok ");
                assertThat(client.call("use-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
                LineClient watcher = cluster.tcp(i);
                watchers.add(watcher);
                assertThat(watcher.call("use-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
                assertThat(watcher.call("watch shared")).last().isEqualTo("ok ");
            }
        }

        void round() throws IOException {
            round++;
            for (int i = 0; i < clients.size(); i++) {
                LineClient c = clients.get(i);
                assertThat(c.call("set shared " + i + "-" + round)).last().isEqualTo("ok ");
                // twice: the key is past version 0 then, so the set-safe below is stale
                assertThat(c.call("set node-" + i + " " + round)).last().isEqualTo("ok ");
                assertThat(c.call("set node-" + i + " " + round)).last().isEqualTo("ok ");
                assertThat(c.call("get node-" + i)).contains("value " + round);
                // a stale version, a conflict every round on every node (the errors panel); over TCP
                // NunDB answers a rejected set-safe with ok, so the value tells
                c.call("set-safe node-" + i + " 0 stale");
                assertThat(c.call("get node-" + i)).contains("value " + round);
                // the snapshot panel (an admin command, as an operator's or the declutter's)
                assertThat(c.call("snapshot")).last().isEqualTo("ok ");
            }
        }

        @Override
        public void close() throws IOException {
            for (LineClient c : clients) {
                c.close();
            }
            for (LineClient c : watchers) {
                c.close();
            }
        }
    }
}
