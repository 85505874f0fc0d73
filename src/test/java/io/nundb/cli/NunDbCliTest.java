package io.nundb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nundb.command.CommandExecutor;
import io.nundb.transport.tcp.TcpListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The CLI against a real server on port 0 (HTTP, TCP). */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "nundb.user=nun",
            "nundb.pwd=nun-pwd",
            "nundb.tcp-addr=127.0.0.1:0",
            "nundb.ws-addr=127.0.0.1:0",
            "nundb.rsocket-addr=127.0.0.1:0"
        })
@Timeout(value = 60, unit = TimeUnit.SECONDS)
// The server writes a final snapshot when it closes: close it before JUnit deletes the @TempDir.
@DirtiesContext
class NunDbCliTest {

    record Run(int code, String out, String err) {}

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("nundb.dbs-dir", () -> dataDir.toString());
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    TcpListener tcp;

    @Autowired
    CommandExecutor executor;

    String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    String tcpAddress() {
        return "127.0.0.1:" + tcp.port();
    }

    static Run cliWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int code = NunDbCli.execute(new NunDbCli(in), args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Run cli(String... args) {
        return cliWithInput("", args);
    }

    @Test
    void helpExplainsEveryVerb() {
        Run r = cli("--help");
        assertThat(r.code()).isZero();
        for (String verb : new String[] {"exec", "create-db", "start", "shell", "watch", "health", "import"}) {
            assertThat(r.out()).contains("  " + verb + " ");
            Run verbHelp = cli(verb, "--help");
            assertThat(verbHelp.code()).as(verb).isZero();
            assertThat(verbHelp.out()).as(verb).contains("Usage: nun-db " + verb);
        }
        assertThat(cli("start", "--help").out())
                .contains(
                        "--tcp-address", "--ws-address", "--http-address", "--replicate-address", "--external-address");
    }

    @Test
    void unknownVerbIsAUsageError() {
        Run r = cli("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown verb 'frobnicate'").contains("nun-db --help");
        assertThat(cli().code()).as("no verb").isEqualTo(2);
    }

    @Test
    void execPrintsTheReplyRustQuoted() {
        Run r = cli(
                "-u",
                "nun",
                "-p",
                "nun-pwd",
                "--host",
                httpUrl(),
                "exec",
                "create-db d t; use-db d t; set k \"1\"; get k");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo("Response \"valid auth\\n;create-db success\\n;empty;empty;value \\\"1\\\"\\n\"\n");
    }

    @Test
    void execExitsOneWhenACommandFails() {
        Run r = execAsAdmin("use-db no-such-db tok; get k");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("Response \"valid auth\\n;");
        assertThat(r.err()).contains("nun-db: 2 commands failed");
        Run one = execAsAdmin("create-db ef t; create-db ef t");
        assertThat(one.code()).isEqualTo(1);
        assertThat(one.err()).contains("nun-db: 1 command failed");
    }

    /** exec as admin against this server: {@code nun-db -u nun -p nun-pwd --host URL exec ARGS…}. */
    Run execAsAdmin(String... args) {
        String[] all = new String[args.length + 7];
        System.arraycopy(new String[] {"-u", "nun", "-p", "nun-pwd", "--host", httpUrl(), "exec"}, 0, all, 0, 7);
        System.arraycopy(args, 0, all, 7, args.length);
        return cli(all);
    }

    @Test
    void execExpectWaitsForTheReplyToContainTheText() throws Exception {
        execAsAdmin("create-db ex t; use-db ex t; set k old");
        CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(
                () -> execAsAdmin("--expect", "value new", "--timeout", "30", "use-db ex t; get k"));
        Run early = execAsAdmin("--expect", "value new", "--timeout", "1", "use-db ex t; get k");
        assertThat(early.code()).isEqualTo(1);
        assertThat(early.out()).contains("value old");
        assertThat(early.err()).contains("did not contain 'value new' within 1");
        assertThat(waiting).isNotDone();
        execAsAdmin("use-db ex t; set k new");
        Run later = waiting.get(30, TimeUnit.SECONDS);
        assertThat(later.code()).as(later.err()).isZero();
        assertThat(later.out()).contains("value new");
    }

    @Test
    void createDbPrintsNunDbsReplyAndFailsOnDuplicate() {
        Run r = cli("-u", "nun", "-p", "nun-pwd", "-h", httpUrl(), "create-db", "-d", "shop", "-t", "tok");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Response \"valid auth\\n;create-db success\\n\"\n");
        Run again = cli("-u", "nun", "-p", "nun-pwd", "-h", httpUrl(), "create-db", "-d", "shop", "--db-token", "tok");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("create-db failed").contains("database already exists");
    }

    @Test
    void wrongPasswordExitsThree() {
        Run r = cli("-u", "nun", "-p", "wrong", "--host", httpUrl(), "exec", "list-commands");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).startsWith("Response \"invalid auth\\n");
        assertThat(r.err()).contains("authentication failed");
        Run shell = cliWithInput("get k\n", "-u", "nun", "-p", "wrong", "shell", "--tcp", tcpAddress());
        assertThat(shell.code()).isEqualTo(3);
        assertThat(shell.err()).contains("authentication failed");
    }

    @Test
    void unreachableHostExitsFour() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run http = cli("-p", "x", "--host", "http://127.0.0.1:" + port, "exec", "get k");
        assertThat(http.code()).isEqualTo(4);
        assertThat(http.err()).contains("cannot reach http://127.0.0.1:" + port);
        Run tcp = cli("shell", "--tcp", "127.0.0.1:" + port);
        assertThat(tcp.code()).isEqualTo(4);
        assertThat(tcp.err()).contains("cannot reach 127.0.0.1:" + port);
        Run health = cli("--host", "http://127.0.0.1:" + port, "health");
        assertThat(health.code()).isEqualTo(4);
    }

    @Test
    void shellRunsCommandsKeepsHistoryAndRepeats() {
        String input = String.join(
                "\n",
                "create-db sh tok",
                "use-db sh tok",
                "set k 1",
                "increment k 1",
                "get k",
                "history",
                "!!",
                "!3",
                "get k",
                "exit",
                "");
        Run r = cliWithInput(input, "-u", "nun", "-p", "nun-pwd", "shell", "--tcp", tcpAddress());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Connected to " + tcpAddress())
                .contains("create-db success")
                .contains("value 2")
                .contains("   1  create-db sh tok")
                .contains("   5  get k")
                .contains("value 1");
        assertThat(r.out().indexOf("value 2")).isLessThan(r.out().lastIndexOf("value 1"));
    }

    @Test
    void watchPrintsChangesAsTheyArrive() throws Exception {
        cli("-u", "nun", "-p", "nun-pwd", "-h", httpUrl(), "create-db", "-d", "w", "-t", "wt");
        CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
                () -> cli("watch", "a", "b", "--db", "w", "--token", "wt", "--tcp", tcpAddress(), "--count", "3"));
        io.nundb.command.Session writer = new io.nundb.command.Session("test", m -> true);
        executor.execute(writer, "use-db w wt").get(5, TimeUnit.SECONDS);
        // The watcher registers asynchronously: keep writing until it has seen three changes.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    executor.execute(writer, "set a 1").get(5, TimeUnit.SECONDS);
                    executor.execute(writer, "set b 2").get(5, TimeUnit.SECONDS);
                    executor.execute(writer, "remove a").get(5, TimeUnit.SECONDS);
                    return watching.isDone();
                });
        Run r = watching.get(5, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines())
                .hasSize(3)
                .allMatch(l -> l.equals("changed a 1") || l.equals("changed b 2") || l.equals("removed a"));
        assertThat(r.err()).contains("watching a, b in w");
    }

    @Test
    void watchWithWrongTokenExitsThree() {
        Run r = cli("watch", "a", "--db", "nope", "--token", "bad", "--tcp", tcpAddress());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("nun-db: ");
    }

    @Test
    void importReadsANunDbDirectory(@TempDir Path nun, @TempDir Path ours) throws Exception {
        // One NunDB database "legacy" (reference 6.2, little-endian): $$token and one key.
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        String[][] entries = {{"$$token", "legacy-token"}, {"color", "blue"}};
        for (String[] e : entries) {
            long offset = values.size();
            byte[] v = e[1].getBytes(StandardCharsets.UTF_8);
            values.writeBytes(
                    le(8 + v.length + 4).putLong(v.length).put(v).putInt(0).array());
            byte[] k = e[0].getBytes(StandardCharsets.UTF_8);
            keys.writeBytes(le(8 + k.length + 12)
                    .putLong(k.length)
                    .put(k)
                    .putInt(3)
                    .putLong(offset)
                    .array());
        }
        Files.write(nun.resolve("legacy-nun.data.keys"), keys.toByteArray());
        Files.write(nun.resolve("legacy-nun.data.values"), values.toByteArray());
        Files.write(
                nun.resolve("legacy-nun.madadata"), le(12).putLong(1).putInt(0).array());

        Run r = cli("import", "--from", nun.toString(), "--to", ours.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported 1 databases (legacy), 2 keys");

        Run again = cli("import", "--from", nun.toString(), "--to", ours.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("import failed").contains("already holds data");
        assertThat(cli("import", "--from", nun.toString()).code())
                .as("--to missing")
                .isEqualTo(2);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void rustDebugQuoting() {
        assertThat(RustDebug.quote("a\nb\t\"c\"\\\u0001é")).isEqualTo("\"a\\nb\\t\\\"c\\\"\\\\\\u{1}é\"");
    }
}
