package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.Strategy;
import io.nundb.storage.VersionedValue;
import io.nundb.testing.FilesHolding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rewrite of plain secrets an earlier version stored keeps each secret's version, so a session
 * logged in with it stays logged in and keeps its watches; and a start that rewrote them but died
 * before its replacing snapshot leaves a marker, so the next start still takes the plain text off
 * the disk.
 */
@Timeout(120)
class PlainSecretsMigrationTest {

    private static final String DB_TOKEN = "legacy-db-token-3c91";
    private static final String USER_TOKEN = "legacy-user-token-77ab";
    private static final String ADMIN_PWD = "admin-pwd-41";

    @TempDir
    Path dir;

    private NodeOptions options() {
        return NodeOptions.onDisk(dir, "n1", "nun", ADMIN_PWD).withSecretHashIterations(1000);
    }

    /** What an earlier version left: plain tokens in a snapshot and in the op log. */
    private void writePlainData() throws Exception {
        try (NunDbNode node = new NunDbNode(options()).start()) {
            node.databases().create("legacy", DB_TOKEN, Strategy.NONE).get(30, TimeUnit.SECONDS);
            node.snapshotter().snapshot(false).get(30, TimeUnit.SECONDS);
            Database db = node.databases().get("legacy");
            db.mutate("$$user_bob", current -> Decision.put(USER_TOKEN, 1))
                    .durable()
                    .get(30, TimeUnit.SECONDS);
            db.mutate("k", current -> Decision.put("before", 1)).durable().get(30, TimeUnit.SECONDS);
        }
        assertThat(filesHolding(DB_TOKEN)).isNotEmpty();
        assertThat(filesHolding(USER_TOKEN)).isNotEmpty();
    }

    @Test
    void aSessionLoggedInWithAPlainTokenStaysLoggedInAndKeepsItsWatchAcrossTheRewrite() throws Exception {
        writePlainData();
        try (NunDbNode node = new NunDbNode(options())) {
            // logged in (with the plain token) and watching before the rewrite runs
            NodeClient app = new NodeClient(node);
            assertThat(app.send("use-db legacy " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(app.send("watch k")).isEqualTo("ok \n");
            int tokenVersion = node.databases().get("legacy").get("$$token").version();
            int userVersion = node.databases().get("legacy").get("$$user_bob").version();

            node.start();

            assertThat(node.databases().get("legacy").get("$$token").value()).startsWith("$pbkdf2-sha256$");
            assertNoFileHolds();

            NodeClient admin = new NodeClient(node);
            admin.send("auth nun " + ADMIN_PWD);
            admin.send("use-db legacy " + DB_TOKEN);
            assertThat(admin.send("set k after")).isEqualTo("ok \n");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(app.pushed()).contains("changed k after\n"));
            assertThat(app.send("get k")).isEqualTo("value after\nok \n");
            assertThat(new NodeClient(node).send("use-db legacy bob " + USER_TOKEN))
                    .isEqualTo("ok \n");
            // the hashes took the versions of the plain secrets they replace
            VersionedValue token = node.databases().get("legacy").get("$$token");
            assertThat(token.value()).startsWith("$pbkdf2-sha256$");
            assertThat(token.version()).isEqualTo(tokenVersion);
            VersionedValue user = node.databases().get("legacy").get("$$user_bob");
            assertThat(user.value()).startsWith("$pbkdf2-sha256$");
            assertThat(user.version()).isEqualTo(userVersion);
        }
    }

    @Test
    void aStartThatDiedBeforeItsReplacingSnapshotIsFinishedByTheNext() throws Exception {
        writePlainData();
        Path marker = dir.resolve(SecretMigration.MARKER);
        try (NunDbNode node = new NunDbNode(options())) {
            node.secretMigration().stopBeforeSnapshot();
            node.start();
            assertThat(node.databases().get("legacy").get("$$token").value()).startsWith("$pbkdf2-sha256$");
            assertThat(marker).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(marker)))
                    .isEqualTo("rw-------");
        }
        // memory (and the newest snapshot) hold hashes now, but older files still hold the tokens
        assertThat(filesHolding(DB_TOKEN)).isNotEmpty();

        try (NunDbNode node = new NunDbNode(options()).start()) {
            assertNoFileHolds();
            assertThat(marker).doesNotExist();
            assertThat(new NodeClient(node).send("use-db legacy " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db legacy bob " + USER_TOKEN))
                    .isEqualTo("ok \n");
        }
    }

    private void assertNoFileHolds() throws Exception {
        assertThat(filesHolding(DB_TOKEN)).as("files holding the db token").isEmpty();
        assertThat(filesHolding(USER_TOKEN)).as("files holding the user token").isEmpty();
    }

    private List<Path> filesHolding(String secret) throws Exception {
        return FilesHolding.secret(dir, secret);
    }
}
