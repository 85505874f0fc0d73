package io.nundb.cluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.testing.LineClient;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, without the cluster variables (the server side of clustering is not there
 * yet): three independent nodes start, each keeps its own data, and a node killed with SIGKILL
 * comes back on the same ports with its data.
 */
class ProcessClusterTest {

    private static final Duration READY = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void threeIndependentNodesStartAndAKilledOneRestartsWithItsData() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.builder(dir).nodes(3).build()) {
            cluster.startAll();
            for (int i = 0; i < 3; i++) {
                cluster.waitReady(i, READY);
                try (LineClient c = cluster.tcp(i)) {
                    assertOk(c, "auth " + ProcessCluster.USER + " " + ProcessCluster.PASSWORD);
                    assertOk(c, "create-db harness harness-token");
                    assertOk(c, "use-db harness harness-token");
                    assertOk(c, "set who node" + i);
                }
            }
            ProcessCluster.Node before = cluster.node(1);

            cluster.kill9(1);
            assertThat(cluster.running(1)).isFalse();
            assertThat(cluster.ready(1)).isFalse();
            assertThatThrownBy(() -> cluster.tcp(1)).isInstanceOf(ConnectException.class);
            assertThat(valueOf(cluster, 0)).as("the others carry on").isEqualTo("node0");

            cluster.restart(1);
            cluster.waitReady(1, READY);
            assertThat(cluster.node(1)).isEqualTo(before);
            for (int i = 0; i < 3; i++) {
                assertThat(valueOf(cluster, i))
                        .as("node %d keeps its own data", i)
                        .isEqualTo("node" + i);
            }
            assertThat(cluster.stop(2)).as("SIGTERM exit code").isIn(0, 130, 143);
            assertThat(cluster.log(1)).contains("NunDB TCP listening on 127.0.0.1:" + before.tcpPort());
        }
    }

    private static void assertOk(LineClient c, String command) throws IOException {
        List<String> reply = c.call(command);
        assertThat(reply.get(reply.size() - 1)).as(command + " -> " + reply).isEqualTo("ok ");
    }

    private static String valueOf(ProcessCluster cluster, int node) throws IOException {
        try (LineClient c = cluster.tcp(node)) {
            assertOk(c, "use-db harness harness-token");
            List<String> reply = c.call("get who");
            assertThat(reply).hasSize(2);
            assertThat(reply.get(0)).startsWith("value ");
            return reply.get(0).substring("value ".length());
        }
    }

    @Test
    @Timeout(30)
    void clusteredNodesAdvertiseTheirProxiesAndKnowEveryMember() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.builder(dir)
                .nodes(3)
                .clustered(true)
                .proxies(true)
                .ack("lazy")
                .electionTimeoutMs(300)
                .secret("s3cret")
                .env("NUN_FSYNC_POLICY", "always")
                .build()) {
            String members = String.join(
                    ",",
                    cluster.proxy(0).address(),
                    cluster.proxy(1).address(),
                    cluster.proxy(2).address());
            for (int i = 0; i < 3; i++) {
                ProcessCluster.Node n = cluster.node(i);
                Map<String, String> env = cluster.environment(i);
                assertThat(env)
                        .containsEntry("NUN_CLUSTER_ADDR", "127.0.0.1:" + n.clusterPort())
                        .containsEntry("NUN_EXTERNAL_ADDR", cluster.proxy(i).address())
                        .containsEntry("NUN_REPLICATE_ADDR", members)
                        .containsEntry("NUN_CLUSTER_SECRET", "s3cret")
                        .containsEntry("NUN_REPLICATION_ACK", "lazy")
                        .containsEntry("NUN_ELECTION_TIMEOUT", "300")
                        .containsEntry("NUN_FSYNC_POLICY", "always")
                        .containsEntry("NUN_TCP_ADDR", "127.0.0.1:" + n.tcpPort())
                        .containsEntry("NUN_HTTP_ADDR", "127.0.0.1:" + n.httpPort());
                assertThat(cluster.proxy(i).address()).isNotEqualTo(n.clusterAddress());
            }
            assertThat(cluster.nodes().stream()
                            .flatMapToInt(n -> java.util.stream.IntStream.of(
                                    n.tcpPort(), n.wsPort(), n.httpPort(), n.rsocketPort(), n.clusterPort()))
                            .distinct()
                            .count())
                    .as("every port distinct")
                    .isEqualTo(15);
        }
    }

    @Test
    @Timeout(30)
    void withoutClusteringNoClusterVariablesAndNoProxies() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.builder(dir).nodes(2).build()) {
            assertThat(cluster.environment(0))
                    .doesNotContainKeys("NUN_CLUSTER_ADDR", "NUN_EXTERNAL_ADDR", "NUN_CLUSTER_SECRET")
                    .containsEntry("NUN_REPLICATE_ADDR", "");
            assertThat(cluster.node(0).externalAddress())
                    .isEqualTo(cluster.node(0).clusterAddress());
            assertThatThrownBy(() -> cluster.proxy(0)).hasMessageContaining("without proxies");
            assertThatThrownBy(() -> ProcessCluster.builder(dir).ack("sometimes"))
                    .hasMessageContaining("lazy or majority");
        }
    }
}
