package io.nundb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.config.NunDbProperties;
import io.nundb.config.StorageProperties;
import io.nundb.transport.tcp.TcpListener;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(OutputCaptureExtension.class)
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
                    "--rsocket-address",
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

    /** The start verb as picocli parses it, without running it. */
    private static StartCommand parsed(String... args) {
        NunDbCli cli = new NunDbCli(new ByteArrayInputStream(new byte[0]));
        CommandLine.ParseResult result = new CommandLine(cli).parseArgs(args);
        return (StartCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void everyClusterFlagAndAnyNundbSettingReachSpring() {
        StartCommand start = parsed(
                "-u",
                "admin",
                "-p",
                "pw",
                "start",
                "--rsocket-address",
                "127.0.0.1:4015",
                "--replicate-address",
                "n1:3016,n2:3016,n3:3016",
                "--cluster-address",
                "0.0.0.0:4016",
                "--external-address",
                "n1:3016",
                "--cluster-secret",
                "s3cret",
                "--replication-ack",
                "majority",
                "--election-timeout",
                "1500",
                "--nundb.declutter-interval=5m",
                "--nundb.storage.fsync-policy=always");
        assertThat(start.springArgs())
                .contains(
                        "--nundb.user=admin",
                        "--nundb.pwd=pw",
                        "--nundb.rsocket-addr=127.0.0.1:4015",
                        "--nundb.replicate-addr=n1:3016,n2:3016,n3:3016",
                        "--nundb.cluster-addr=0.0.0.0:4016",
                        "--nundb.external-addr=n1:3016",
                        "--nundb.cluster-secret=s3cret",
                        "--nundb.replication-ack=majority",
                        "--nundb.election-timeout=1500",
                        "--nundb.declutter-interval=5m",
                        "--nundb.storage.fsync-policy=always");
    }

    @Test
    void anUnknownOptionIsAUsageErrorNotASetting() {
        String[] r = run("", "start", "--nundb-declutter=5", "--dbs-dir", data.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("unknown option '--nundb-declutter=5'").contains("--nundb.NAME=VALUE");
        String[] noValue = run("", "start", "--nundb.declutter-interval", "5");
        assertThat(noValue[0]).isEqualTo("2");
    }

    /** {@code nun-db -u admin -p pw start} on loopback port 0 for every listener, in the temp dir, plus extras. */
    private List<String> startArgs(String tcp, String http, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "-u",
                "admin",
                "-p",
                "pw",
                "start",
                "--tcp-address",
                tcp,
                "--ws-address",
                "127.0.0.1:0",
                "--http-address",
                http,
                "--rsocket-address",
                "127.0.0.1:0",
                "--dbs-dir",
                data.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    /** Starts the server with {@link #startArgs} and the extras; the caller closes its context. */
    private ConfigurableApplicationContext started(String... extra) {
        NunDbCli cli = new NunDbCli(new ByteArrayInputStream(new byte[0]));
        StringWriter err = new StringWriter();
        int code = NunDbCli.execute(
                cli,
                startArgs("127.0.0.1:0", "127.0.0.1:0", extra).toArray(String[]::new),
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return cli.server;
    }

    @Test
    void passthroughSettingsAndTheRSocketFlagTakeEffect() throws Exception {
        try (var ctx = started(
                "--nundb.declutter-interval=5m",
                "--nundb.storage.shutdown-timeout=90",
                "--nundb.management-addr=127.0.0.1:0")) {
            assertThat(ctx.getBean(NunDbProperties.class).declutterInterval()).isEqualTo(Duration.ofMinutes(5));
            assertThat(ctx.getBean(StorageProperties.class).shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
            assertThat(ctx.getEnvironment().getProperty("spring.rsocket.server.address"))
                    .isEqualTo("127.0.0.1");
            // Actuator moved to a port of its own; the probes stay on the HTTP port.
            int management = Integer.parseInt(ctx.getEnvironment().getRequiredProperty("local.management.port"));
            int http = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(management).isPositive().isNotEqualTo(http);
            assertThat(status(management, "/actuator/prometheus")).isEqualTo(200);
            assertThat(status(management, "/actuator/health")).isEqualTo(200);
            assertThat(status(http, "/actuator/prometheus")).isEqualTo(404);
            assertThat(status(http, "/readyz")).isEqualTo(200);
            assertThat(status(http, "/livez")).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void managementAuthPutsActuatorButNotTheProbesBehindTheAdminPassword(boolean ownPort) throws Exception {
        String[] extra = ownPort
                ? new String[] {"--nundb.management-auth=true", "--nundb.management-addr=127.0.0.1:0"}
                : new String[] {"--nundb.management-auth=true"};
        try (var ctx = started(extra)) {
            int http = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            int management = ownPort
                    ? Integer.parseInt(ctx.getEnvironment().getRequiredProperty("local.management.port"))
                    : http;
            String good = "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("admin:no".getBytes(StandardCharsets.UTF_8));
            for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/metrics")) {
                assertThat(status(management, path, null)).as(path).isEqualTo(401);
                assertThat(status(management, path, bad)).as(path).isEqualTo(401);
                assertThat(status(management, path, good)).as(path).isEqualTo(200);
            }
            for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
                assertThat(status(management, path, null)).as(path).isEqualTo(200);
            }
            assertThat(status(http, "/readyz", null)).isEqualTo(200);
            assertThat(status(http, "/livez", null)).isEqualTo(200);
        }
    }

    @Test
    void aTcpPortInUseIsOneLineNotAStackTrace(CapturedOutput output) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String[] r = startWithPorts("127.0.0.1:" + busy.getLocalPort(), "127.0.0.1:0");
            assertThat(r[0]).isEqualTo("1");
            assertThat(r[2]).isEmpty();
            assertOneLine(output, "port " + busy.getLocalPort() + " on 127.0.0.1 (TCP listener: NUN_TCP_ADDR");
        }
    }

    @Test
    void anHttpPortInUseIsOneLineNotAStackTrace(CapturedOutput output) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String[] r = startWithPorts("127.0.0.1:0", "127.0.0.1:" + busy.getLocalPort());
            assertThat(r[0]).isEqualTo("1");
            assertOneLine(output, "port " + busy.getLocalPort() + " (HTTP listener: NUN_HTTP_ADDR");
        }
    }

    private String[] startWithPorts(String tcp, String http) {
        List<String> args = startArgs(tcp, http);
        return run("", args.toArray(String[]::new));
    }

    private static int status(int port, String path) throws Exception {
        return status(port, path, null);
    }

    private static int status(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void assertOneLine(CapturedOutput output, String expected) {
        String all = output.getAll();
        assertThat(all).contains("NunDB cannot start: " + expected).contains("is already in use");
        assertThat(all.lines().filter(l -> l.contains("already in use"))).hasSize(1);
        assertThat(all).doesNotContain("\tat ").doesNotContain("APPLICATION FAILED TO START");
    }
}
