package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret written through a secondary reaches the primary and every member as its hash only
 * (the secondary hashes before it forwards; replication carries the log entry): no node's files
 * hold it, every node logs the client in with it, and the members converge to one state (the
 * {@code $admin} hash is the same everywhere).
 */
@Timeout(120)
class ClusterStoredSecretsTest {

    private static final String DB_TOKEN = "cluster-db-token-5e1";
    private static final String USER_TOKEN = "cluster-user-token-a77";

    @TempDir
    Path dir;

    @Test
    void secretsWrittenThroughASecondaryAreReplicatedAsHashes() throws Exception {
        try (MiniCluster c = new MiniCluster(
                dir, 3, AckMode.MAJORITY, 7, Duration.ofMillis(300), o -> o.withSecretHashIterations(1000))) {
            int p = c.awaitPrimary();
            int s = (p + 1) % 3;
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(s).cluster().isReady());
            ClusterClient admin = new ClusterClient(c.node(s));
            assertThat(admin.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
            assertThat(admin.send("create-db app " + DB_TOKEN)).isEqualTo("create-db success\nok \n");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.node(s).databases().exists("app"));
            assertThat(admin.send("use-db app " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(admin.send("create-user ana " + USER_TOKEN)).isEqualTo("ok \n");
            assertThat(admin.send("set-permissions ana rw *")).isEqualTo("ok \n");
            c.awaitConverged(Duration.ofSeconds(20));
            for (int i = 0; i < 3; i++) {
                int n = i;
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .untilAsserted(
                                () -> assertThat(new ClusterClient(c.node(n)).send("use-db app ana " + USER_TOKEN))
                                        .isEqualTo("ok \n"));
                assertThat(new ClusterClient(c.node(n)).send("use-db app " + DB_TOKEN))
                        .isEqualTo("ok \n");
                assertThat(new ClusterClient(c.node(n)).send("use-db app ana wrong"))
                        .isEqualTo("error Invalid token \n");
            }
            assertThat(filesHolding(DB_TOKEN)).isEmpty();
            assertThat(filesHolding(USER_TOKEN)).isEmpty();
        }
        assertThat(filesHolding(DB_TOKEN))
                .as("after the nodes' final snapshots")
                .isEmpty();
        assertThat(filesHolding(USER_TOKEN)).isEmpty();
    }

    private List<Path> filesHolding(String secret) throws Exception {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .filter(f -> new String(read(f), StandardCharsets.ISO_8859_1)
                            .contains(new String(needle, StandardCharsets.ISO_8859_1)))
                    .toList();
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
