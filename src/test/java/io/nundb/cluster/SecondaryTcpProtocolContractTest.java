package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.transport.ProtocolClient;
import io.nundb.transport.ProtocolContract;
import io.nundb.transport.tcp.TcpTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol contract over TCP against a secondary of a three-process cluster (started once for
 * the class): every write the contract makes is forwarded to the primary, and the secondary must
 * still answer exactly as a node alone does, read its own writes and tell its watchers.
 */
class SecondaryTcpProtocolContractTest extends ProtocolContract {

    @TempDir
    static Path dir;

    private static ProcessCluster cluster;
    private static int secondary;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() throws Exception {
        cluster = ProcessCluster.builder(dir)
                .nodes(3)
                .clustered(true)
                .ack("majority")
                .startTimeout(Duration.ofSeconds(90))
                .build();
        cluster.startAll();
        for (int i = 0; i < 3; i++) {
            cluster.waitReady(i, Duration.ofSeconds(90));
        }
        int primary = ProcessClusterProbe.awaitPrimary(cluster, List.of(0, 1, 2), Duration.ofSeconds(20));
        secondary = (primary + 1) % 3;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster == null) {
            return;
        }
        try {
            // the suite ran against a secondary only if the node stayed one throughout
            assertThat(ProcessClusterProbe.role(ProcessClusterProbe.clusterInfo(cluster, secondary)))
                    .as("node %d's role after the suite", secondary)
                    .isEqualTo("follower");
        } finally {
            cluster.close();
        }
    }

    @Override
    protected ProtocolClient openClient() {
        return TcpTestClient.connect(cluster.node(secondary).tcpPort());
    }
}
