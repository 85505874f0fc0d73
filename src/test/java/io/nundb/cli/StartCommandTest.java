package io.nundb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.config.NunDbProperties;
import io.nundb.transport.tcp.TcpListener;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StartCommandTest {

    @TempDir
    Path data;

    /** Runs the CLI; returns {exit code, stdout, stderr}. */
    private static String[] run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NunDbCli.execute(
                new NunDbCli(new ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                args,
                new PrintWriter(out),
                new PrintWriter(err));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void startRunsTheServerWithTheFlagsAndHealthSeesItReady() {
        NunDbCli cli = new NunDbCli(new ByteArrayInputStream(new byte[0]));
        StringWriter err = new StringWriter();
        int code = NunDbCli.execute(
                cli,
                new String[] {
                    "-u",
                    "admin",
                    "-p",
                    "s3cret",
                    "start",
                    "--tcp-address",
                    "127.0.0.1:0",
                    "--ws-address",
                    "127.0.0.1:0",
                    "--http-address",
                    "127.0.0.1:0",
                    "--external-address",
                    "node-a:3014",
                    "--dbs-dir",
                    data.toString()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        try (var ctx = cli.server) {
            NunDbProperties props = ctx.getBean(NunDbProperties.class);
            assertThat(props.user()).isEqualTo("admin");
            assertThat(props.pwd()).isEqualTo("s3cret");
            assertThat(props.nodeName()).isEqualTo("node-a:3014");
            assertThat(props.dbsDir()).isEqualTo(data.toString());
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(port).isPositive();

            StringWriter out = new StringWriter();
            int health = NunDbCli.execute(
                    new NunDbCli(new ByteArrayInputStream(new byte[0])),
                    new String[] {"--host", "http://127.0.0.1:" + port, "health"},
                    new PrintWriter(out),
                    new PrintWriter(new StringWriter()));
            assertThat(health).isZero();
            // details (the data directory) only for the admin
            assertThat(out.toString()).contains("\"status\":\"UP\"").doesNotContain(data.toString());
            StringWriter details = new StringWriter();
            int withDetails = NunDbCli.execute(
                    new NunDbCli(new ByteArrayInputStream(new byte[0])),
                    new String[] {
                        "--host",
                        "http://127.0.0.1:" + port,
                        "-u",
                        "admin",
                        "-p",
                        "s3cret",
                        "health",
                        "--probe",
                        "details"
                    },
                    new PrintWriter(details),
                    new PrintWriter(new StringWriter()));
            assertThat(withDetails).isZero();
            assertThat(details.toString()).contains("\"status\":\"UP\"").contains(data.toString());

            // shell and watch over the real TCP listener the start verb bound
            String tcp = "127.0.0.1:" + ctx.getBean(TcpListener.class).port();
            String[] shell = run(
                    "create-db real real-token\nuse-db real real-token\nset counter 7\nget counter\nexit\n",
                    "-u",
                    "admin",
                    "-p",
                    "s3cret",
                    "shell",
                    "--tcp",
                    tcp);
            assertThat(shell[0]).as(shell[1]).isEqualTo("0");
            assertThat(shell[1]).contains("create-db success").contains("value 7");

            CompletableFuture<String[]> watching = CompletableFuture.supplyAsync(() ->
                    run("", "watch", "counter", "--db", "real", "--token", "real-token", "--tcp", tcp, "--count", "1"));
            // The watcher registers asynchronously: keep changing the key until it has seen a change.
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        run("use-db real real-token\nset counter 8\nexit\n", "shell", "--tcp", tcp);
                        return watching.isDone();
                    });
            String[] watched = watching.join();
            assertThat(watched[0]).as(watched[2]).isEqualTo("0");
            assertThat(watched).isNotNull();
            assertThat(watched[1]).startsWith("changed counter ");
        }
    }
}
