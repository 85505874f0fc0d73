package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.node.NunDbNode;
import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.Strategy;
import io.nundb.storage.VersionedValue;
import io.nundb.testing.FilesHolding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain secrets an earlier version stored, in a cluster: the ready primary rewrites them as hashes
 * at their current versions through the cluster's write path, every member gets the entries, takes
 * a snapshot replacing its older files, and logs in with the plain tokens; sessions logged in with
 * them stay logged in and keep their watches.
 */
@Timeout(120)
class ClusterPlainSecretsTest {

    private static final String DB_TOKEN = "old-cluster-db-token-9f0";
    private static final String USER_TOKEN = "old-cluster-user-token-2d4";

    @TempDir
    Path dir;

    private MiniCluster cluster() {
        return new MiniCluster(
                dir, 3, AckMode.MAJORITY, 11, Duration.ofMillis(300), o -> o.withSecretHashIterations(1000));
    }

    /** What an earlier version's primary decided: the tokens themselves, replicated to every member. */
    private static void writePlain(MiniCluster c, int primary) throws Exception {
        NunDbNode p = c.node(primary);
        p.databases().create("legacy", DB_TOKEN, Strategy.NONE).get(30, TimeUnit.SECONDS);
        Database db = p.databases().get("legacy");
        db.mutate("$$user_bob", current -> Decision.put(USER_TOKEN, 1))
                .durable()
                .get(30, TimeUnit.SECONDS);
        db.mutate("k", current -> Decision.put("before", 1)).durable().get(30, TimeUnit.SECONDS);
        c.awaitConverged(Duration.ofSeconds(20));
    }

    @Test
    void aClusterStartedOnPlainSecretsHashesThemOnEveryNodeAndTheirFilesLoseThem() throws Exception {
        try (MiniCluster c = cluster()) {
            writePlain(c, c.awaitPrimary());
        }
        assertThat(filesHolding(DB_TOKEN)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(filesHolding(USER_TOKEN)).hasSizeGreaterThanOrEqualTo(3);

        try (MiniCluster c = cluster()) {
            c.awaitPrimary();
            for (int i = 0; i < 3; i++) {
                NunDbNode n = c.node(i);
                Awaitility.await("node " + i + " holds hashes")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> isHash(n, "$$token") && isHash(n, "$$user_bob"));
            }
            c.awaitConverged(Duration.ofSeconds(20));
            Awaitility.await("no file holds a plain token")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(filesHolding(DB_TOKEN)).isEmpty();
                        assertThat(filesHolding(USER_TOKEN)).isEmpty();
                    });
            for (int i = 0; i < 3; i++) {
                int n = i;
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(new ClusterClient(c.node(n)).send("use-db legacy " + DB_TOKEN))
                                .isEqualTo("ok \n"));
                assertThat(new ClusterClient(c.node(n)).send("use-db legacy bob " + USER_TOKEN))
                        .isEqualTo("ok \n");
                assertThat(new ClusterClient(c.node(n)).send("use-db legacy wrong"))
                        .isEqualTo("error Invalid token \n");
                Path marker = dir.resolve("n" + n).resolve("plain-secrets.pending");
                Awaitility.await("node " + n + "'s marker goes")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> !Files.exists(marker));
            }
        }
        assertThat(filesHolding(DB_TOKEN)).isEmpty();
        assertThat(filesHolding(USER_TOKEN)).isEmpty();
    }

    @Test
    void aSessionLoggedInWithAPlainTokenKeepsItsWatchWhenANewPrimaryRewritesIt() throws Exception {
        try (MiniCluster c = cluster()) {
            int p = c.awaitPrimary();
            writePlain(c, p);
            int watching = (p + 1) % 3;
            int tokenVersion =
                    c.node(p).databases().get("legacy").get("$$token").version();
            ClusterClient app = new ClusterClient(c.node(watching));
            assertThat(app.send("use-db legacy " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(app.send("watch k")).isEqualTo("ok \n");

            // the primary steps down: whoever is the ready primary of the new term finds the
            // plain secrets and rewrites them
            c.node(p).cluster().forceElection();
            for (int i = 0; i < 3; i++) {
                NunDbNode n = c.node(i);
                Awaitility.await("node " + i + " holds hashes")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> isHash(n, "$$token") && isHash(n, "$$user_bob"));
                assertThat(n.databases().get("legacy").get("$$token").version()).isEqualTo(tokenVersion);
            }

            ClusterClient admin = new ClusterClient(c.node(c.awaitPrimary()));
            assertThat(admin.send("auth nun mini-pwd")).isEqualTo("valid auth\nok \n");
            assertThat(admin.send("use-db legacy " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(admin.send("set k after")).isEqualTo("ok \n");
            Awaitility.await("the watcher hears of the change")
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(app.pushed()).contains("changed k after\n"));
            assertThat(app.send("get k")).isEqualTo("value after\nok \n");
        }
    }

    private static boolean isHash(NunDbNode n, String key) {
        Database db = n.databases().get("legacy");
        VersionedValue v = db == null ? null : db.get(key);
        return v != null && v.value() != null && v.value().startsWith("$pbkdf2-sha256$");
    }

    private List<Path> filesHolding(String secret) throws Exception {
        return FilesHolding.secret(dir, secret);
    }
}
