package io.nundb.cluster;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.LineClient;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class ClusterProcessSmokeTest {

    @TempDir
    Path dir;

    @Test
    void threeProcessesFormACluster() throws Exception {
        try (ProcessCluster c =
                ProcessCluster.builder(dir).nodes(3).clustered(true).build()) {
            c.startAll();
            for (int i = 0; i < 3; i++) {
                c.waitReady(i, Duration.ofSeconds(60));
            }
            try (LineClient a = c.tcp(0)) {
                a.call("auth nun nun-pwd");
                System.out.println(a.call("cluster-state"));
                System.out.println(a.call("create-db app tok"));
                System.out.println(a.call("use-db app tok"));
                System.out.println(a.call("set k v1"));
            }
            try (LineClient b = c.tcp(2)) {
                b.call("use-db app tok");
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> b.call("get k").contains("value v1"));
                b.call("auth nun nun-pwd");
                System.out.println(b.call("debug cluster"));
            }
        }
    }
}
