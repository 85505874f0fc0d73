package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.NunDbApplication;
import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Response;
import io.nundb.storage.oplog.DiskHealth;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.storage.oplog.OpLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The storage beans in a real application context, restarted on the same data directory. */
@Timeout(60)
class StorageConfigurationTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(Path dataDir, String... extra) {
        List<String> props = new java.util.ArrayList<>(List.of(
                "--nundb.dbs-dir=" + dataDir,
                "--nundb.user=nun",
                "--nundb.pwd=nun-pwd",
                "--nundb.tcp-addr=127.0.0.1:0",
                "--nundb.ws-addr=127.0.0.1:0",
                "--nundb.http-addr=127.0.0.1:0",
                "--nundb.rsocket-addr=127.0.0.1:0",
                "--nundb.replicate-addr="));
        for (String e : extra) {
            props.add("--" + e);
        }
        // command-line arguments: application.yml's NUN_* defaults would win over default properties
        return new SpringApplicationBuilder(NunDbApplication.class)
                .web(WebApplicationType.NONE)
                .run(props.toArray(String[]::new));
    }

    private static final class Client {
        final CommandExecutor executor;
        final Session session = new Session("test", m -> true);

        Client(ConfigurableApplicationContext ctx) {
            executor = ctx.getBean(CommandExecutor.class);
        }

        Response run(String command) throws Exception {
            return executor.execute(session, command).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void writesSurviveARestartWithoutAnySnapshotCommandAndShutdownSnapshots() throws Exception {
        try (ConfigurableApplicationContext ctx = start(dir)) {
            assertThat(ctx.getBean(OpLog.class).options().fsync()).isEqualTo(FsyncPolicy.INTERVAL);
            Client c = new Client(ctx);
            assertThat(c.run("auth nun nun-pwd").isOk()).isTrue();
            assertThat(c.run("create-db shop shop-token").isOk()).isTrue();
            assertThat(c.run("use-db shop shop-token").isOk()).isTrue();
            assertThat(c.run("set cart apples").isOk()).isTrue();
            assertThat(c.run("set cart pears").isOk()).isTrue();
            assertThat(c.run("increment counter 5").isOk()).isTrue();
            Response metrics = c.run("metrics-state");
            assertThat(String.join("", metrics.messages())).contains("op_log_count: 4,");
        }
        try (Stream<Path> s = Files.list(dir.resolve("snapshots"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("snapshot-00000000000000000004.snap");
        }
        try (ConfigurableApplicationContext ctx = start(dir)) {
            Client c = new Client(ctx);
            c.run("use-db shop shop-token");
            assertThat(c.run("get-safe cart").messages()).containsExactly("value-version 1 pears\n");
            assertThat(c.run("get counter").messages()).containsExactly("value 5\n");
        }
    }

    @Test
    void theSnapshotCommandWritesASnapshotNow() throws Exception {
        try (ConfigurableApplicationContext ctx = start(dir, "nundb.storage.fsync-policy=always")) {
            Client c = new Client(ctx);
            c.run("auth nun nun-pwd");
            c.run("create-db a tok");
            c.run("use-db a tok");
            c.run("set k v");
            assertThat(c.run("snapshot").isOk()).isTrue();
            try (Stream<Path> s = Files.list(dir.resolve("snapshots"))) {
                assertThat(s.map(p -> p.getFileName().toString()))
                        .containsExactly("snapshot-00000000000000000002.snap");
            }
            assertThat(c.run("snapshot true a|nope").error()).isEqualTo("nope is not a valid database name");
        }
    }

    @Test
    void anUnwritableDataDirectoryRejectsWritesButServesReads() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        try (ConfigurableApplicationContext ctx = start(file.resolve("data"))) {
            Client c = new Client(ctx);
            c.run("auth nun nun-pwd");
            Response create = c.run("create-db a tok");
            assertThat(create.isOk()).isFalse();
            assertThat(create.error()).startsWith("write not stored: ");
            assertThat(ctx.getBean(DiskHealth.class).writable()).isFalse();
            // memory never holds what the log refused; the node keeps answering
            assertThat(c.run("use-db a tok").error()).isEqualTo("Not a valid database name");
            assertThat(c.run("debug list-dbs").messages()).containsExactly("dbs-list \n$admin : newer\n");
            assertThat(c.run("create-db a tok").error()).startsWith("write not stored: ");
        }
    }
}
