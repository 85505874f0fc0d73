package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.Database;
import io.nundb.storage.Decision;
import io.nundb.storage.Strategy;
import io.nundb.testing.FilesHolding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database tokens, user tokens and the admin password are stored as salted hashes (issue 9 item
 * 7): no file of the data directory holds them, login keeps NunDB's behaviour, and data an earlier
 * version wrote with plain tokens is rewritten as hashes at start, leaves every file and still
 * logs in.
 */
@Timeout(120)
class StoredSecretsTest {

    private static final String DB_TOKEN = "db-token-7f3a9c";
    private static final String USER_TOKEN = "user token 51be";
    private static final String SET_TOKEN = "rotated-token-c0ffee";
    private static final String ADMIN_PWD = "admin-pwd-9d2e";
    private static final String MANY_TOKEN = "legacy-user-token-";

    @TempDir
    Path dir;

    private NodeOptions options() {
        return NodeOptions.onDisk(dir, "n1", "nun", ADMIN_PWD).withSecretHashIterations(1000);
    }

    @Test
    void noFileEverHoldsATokenAndLoginWorksAcrossARestart() throws Exception {
        try (NunDbNode node = new NunDbNode(options()).start()) {
            NodeClient admin = new NodeClient(node);
            assertThat(admin.send("auth nun " + ADMIN_PWD)).isEqualTo("valid auth\nok \n");
            assertThat(admin.send("create-db app " + DB_TOKEN)).isEqualTo("create-db success\nok \n");
            assertThat(admin.send("use-db app " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(admin.send("create-user alice " + USER_TOKEN)).isEqualTo("ok \n");
            assertThat(admin.send("set-permissions alice rw *")).isEqualTo("ok \n");
            assertThat(admin.send("create-db other x")).isEqualTo("create-db success\nok \n");
            assertThat(admin.send("use-db other x")).isEqualTo("ok \n");
            assertThat(admin.send("set $$token " + SET_TOKEN)).isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db other " + SET_TOKEN)).isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db other x")).isEqualTo("error Invalid token \n");
            // the op log alone, before any snapshot
            assertNoFileHolds(DB_TOKEN, USER_TOKEN, SET_TOKEN, ADMIN_PWD);
            node.snapshotter().snapshot(false).get(30, TimeUnit.SECONDS);
        }
        assertThat(snapshots()).isNotEmpty();
        assertNoFileHolds(DB_TOKEN, USER_TOKEN, SET_TOKEN, ADMIN_PWD);

        try (NunDbNode node = new NunDbNode(options()).start()) {
            assertThat(new NodeClient(node).send("use-db app " + DB_TOKEN)).isEqualTo("ok \n");
            NodeClient alice = new NodeClient(node);
            assertThat(alice.send("use-db app alice " + USER_TOKEN)).isEqualTo("ok \n");
            assertThat(alice.send("set k v")).isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db app alice wrong")).isEqualTo("error Invalid token \n");
            assertThat(new NodeClient(node).send("use-db app " + DB_TOKEN + "x"))
                    .isEqualTo("error Invalid token \n");
            assertThat(new NodeClient(node).send("use-db app bob " + USER_TOKEN))
                    .isEqualTo("error Invalid token \n");
            assertThat(new NodeClient(node).send("use-db other " + SET_TOKEN)).isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("auth nun wrong")).isEqualTo("invalid auth\nok \n");
            assertThat(new NodeClient(node).send("use-db $admin " + ADMIN_PWD)).isEqualTo("ok \n");
            // the hash is what an admin reading the secure key sees
            NodeClient admin = new NodeClient(node);
            admin.send("auth nun " + ADMIN_PWD);
            admin.send("use-db app " + DB_TOKEN);
            assertThat(admin.send("get $$user_alice")).startsWith("value $pbkdf2-sha256$i=1000$");
        }
    }

    @Test
    void plainTokensAnEarlierVersionWroteAreHashedAtStartAndLeaveEveryFile() throws Exception {
        try (NunDbNode node = new NunDbNode(options()).start()) {
            // what an earlier version put in the op log and snapshots: the secrets themselves
            node.databases().create("legacy", DB_TOKEN, Strategy.NONE).get(30, TimeUnit.SECONDS);
            node.snapshotter().snapshot(false).get(30, TimeUnit.SECONDS);
            Database db = node.databases().get("legacy");
            db.mutate("$$user_bob", current -> Decision.put(USER_TOKEN, 1))
                    .durable()
                    .get(30, TimeUnit.SECONDS);
            db.mutate("k", current -> Decision.put("kept", 1)).durable().get(30, TimeUnit.SECONDS);
            // more than are rewritten at once
            for (int i = 0; i < 10; i++) {
                String token = MANY_TOKEN + i;
                db.mutate("$$user_u" + i, current -> Decision.put(token, 1))
                        .durable()
                        .get(30, TimeUnit.SECONDS);
            }
        }
        // the final snapshot, the one before it and the op log all hold them
        assertThat(filesHolding(DB_TOKEN))
                .as("the old data holds the plain token")
                .hasSizeGreaterThan(1);
        assertThat(filesHolding(MANY_TOKEN)).isNotEmpty();
        assertThat(filesHolding(USER_TOKEN))
                .as("the old data holds the plain user token")
                .isNotEmpty();

        try (NunDbNode node = new NunDbNode(options()).start()) {
            // rewritten as hashes at start, and the files that held them replaced
            assertNoFileHolds(DB_TOKEN, USER_TOKEN, MANY_TOKEN);
            assertThat(snapshots()).hasSize(1);
            assertOwnerOnly();
            NodeClient app = new NodeClient(node);
            assertThat(app.send("use-db legacy " + DB_TOKEN)).isEqualTo("ok \n");
            assertThat(app.send("get k")).isEqualTo("value kept\nok \n");
            assertThat(new NodeClient(node).send("use-db legacy bob " + USER_TOKEN))
                    .isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db legacy u9 " + MANY_TOKEN + 9))
                    .isEqualTo("ok \n");
            assertThat(new NodeClient(node).send("use-db legacy wrong")).isEqualTo("error Invalid token \n");
            assertThat(new NodeClient(node).send("use-db legacy bob wrong")).isEqualTo("error Invalid token \n");
            NodeClient admin = new NodeClient(node);
            admin.send("auth nun " + ADMIN_PWD);
            admin.send("use-db legacy " + DB_TOKEN);
            assertThat(admin.send("get $$token")).startsWith("value $pbkdf2-sha256$i=1000$");
            assertThat(admin.send("get $$user_bob")).startsWith("value $pbkdf2-sha256$i=1000$");
        }
        // and they stay hashed across the next restart, with nothing left to rewrite
        try (NunDbNode node = new NunDbNode(options()).start()) {
            assertThat(new NodeClient(node).send("use-db legacy bob " + USER_TOKEN))
                    .isEqualTo("ok \n");
        }
        assertNoFileHolds(DB_TOKEN, USER_TOKEN, MANY_TOKEN);
    }

    private void assertOwnerOnly() throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                assertThat(perms)
                        .as("mode of %s", p)
                        .isSubsetOf(
                                PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.OWNER_EXECUTE);
            }
        }
    }

    private List<Path> snapshots() throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> p.toString().endsWith(".snap")).toList();
        }
    }

    private void assertNoFileHolds(String... secrets) throws Exception {
        for (String secret : secrets) {
            assertThat(filesHolding(secret)).as("files holding '%s'", secret).isEmpty();
        }
    }

    private List<Path> filesHolding(String secret) throws Exception {
        return FilesHolding.secret(dir, secret);
    }
}
