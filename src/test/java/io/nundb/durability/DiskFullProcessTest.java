package io.nundb.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server whose data directory is a small tmpfs that fills up (issue 9: on a full disk a
 * refused write stayed in memory, was announced to watchers and was on disk after a restart). The
 * op log preallocates its segments in 4 MiB chunks, so an 8 MiB tmpfs refuses the second chunk
 * after about 4 MiB of writes. Every write is answered either {@code ok} or {@code error write not
 * stored}; the test checks that a refused write is neither readable nor announced, that reads, a
 * snapshot attempt and liveness go on while readiness is down, and, after {@code kill -9} and a
 * remount with room, that every acknowledged write is there and no refused one. Needs root (to
 * mount); skipped with that reason otherwise.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullProcessTest {

    private static final Pattern HTTP_PORT = Pattern.compile("Netty started on port (\\d+) \\(http\\)");
    private static final String NOT_STORED = "error write not stored";
    private static final String BIG = "x".repeat(8 * 1024);

    @TempDir
    Path dir;

    private Path data;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        String out = run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", data.toString());
        assumeTrue(
                out == null,
                "DiskFullProcessTest needs to mount a tmpfs as the data directory (root): mount was refused: " + out);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted && run("umount", data.toString()) != null) {
            run("umount", "-l", data.toString()); // still busy: detach it, the kernel frees it later
        }
    }

    /** Runs a command; null when it succeeded, else its output and exit code. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out: " + out;
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out.strip();
    }

    @Test
    void refusedWritesOnAFullDiskAreNeitherKeptNorAnnouncedAndAcknowledgedOnesSurviveARestart() throws Exception {
        Path log = dir.resolve("server.log");
        // last acknowledged value per key (null: never acknowledged); refused values per key
        Map<String, String> acked = new LinkedHashMap<>();
        Map<String, Set<String>> refused = new LinkedHashMap<>();
        List<String> watched = List.of("hot", "w0", "w1", "w2");
        int httpPort;
        try (ServerProcess server =
                ServerProcess.start(data, log, Map.of("NUN_DECLUTTER_INTERVAL", "2"), Duration.ofSeconds(120))) {
            Matcher http = HTTP_PORT.matcher(ServerProcess.tail(log, 0));
            assertThat(http.find()).isTrue();
            httpPort = Integer.parseInt(http.group(1));
            try (LineClient admin = new LineClient(server.tcpPort);
                    Watcher watcher = new Watcher(server.tcpPort)) {
                admin.ok("auth nun nun-pwd");
                admin.ok("create-db full full-token");
                admin.ok("use-db full full-token");
                watcher.send("use-db full full-token");
                for (String key : watched) {
                    watcher.send("watch " + key);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> watcher.count("ok ") == 2 + watched.size());

                int firstRefusal = fill(admin, acked, refused);
                int seq = firstRefusal + 1;
                // full: overwrites of acknowledged keys, new keys, watched keys
                for (int i = 0; i < 20; i++, seq++) {
                    write(admin, "hot", "v" + seq, acked, refused);
                    write(admin, "w" + (i % 3), "v" + seq, acked, refused);
                    write(admin, "k" + seq, BIG + "v" + seq, acked, refused);
                    write(admin, "k1", "v" + seq, acked, refused);
                }
                int refusedCount = refused.values().stream().mapToInt(Set::size).sum();
                assertThat(refusedCount).as("writes refused while full").isGreaterThanOrEqualTo(40);

                // reads go on and show no refused write
                assertReadsMatch(admin, acked, refused);
                // a snapshot on the full disk fails cleanly (or fits); the node stays up either way
                List<String> snapshot = admin.call("snapshot");
                assertThat(snapshot.get(snapshot.size() - 1)).matches("ok |error .*snapshot.*");
                assertThat(temporaryFiles())
                        .as("a failed snapshot leaves no temporary file")
                        .isEmpty();
                System.out.printf(
                        "disk full after %d writes: %d acknowledged keys, %d writes refused; snapshot on the full disk: %s%n",
                        firstRefusal, acked.size(), refusedCount, snapshot);
                assertReadsMatch(admin, acked, refused);

                // readiness is down (storage not writable, docs/operations.md, docs/security.md), liveness up
                assertThat(HttpGet.get(httpPort, "/readyz").statusCode()).isEqualTo(503);
                assertThat(HttpGet.get(httpPort, "/livez").statusCode()).isEqualTo(200);
                assertThat(server.isAlive()).isTrue();

                // the watcher got every acknowledged value of its keys, and nothing refused
                for (String key : watched) {
                    String last = acked.get(key);
                    if (last != null) {
                        await().atMost(Duration.ofSeconds(20))
                                .until(() -> watcher.lines().contains("changed " + key + " " + last));
                    }
                }
                for (Map.Entry<String, Set<String>> e : refused.entrySet()) {
                    for (String value : e.getValue()) {
                        assertThat(watcher.lines())
                                .as("a refused write of %s announced", e.getKey())
                                .doesNotContain("changed " + e.getKey() + " " + value);
                    }
                }
            }
            server.kill();
        }

        // room again: the same files on a larger disk
        assertThat(run("mount", "-o", "remount,size=64m", data.toString())).isNull();
        try (ServerProcess server = ServerProcess.start(data, log, Map.of(), Duration.ofSeconds(120))) {
            try (LineClient c = new LineClient(server.tcpPort)) {
                c.ok("use-db full full-token");
                assertReadsMatch(c, acked, refused);
                c.ok("set after restart");
                assertThat(c.ok("get after")).containsExactly("value restart", "ok ");
            }
            String restarted = ServerProcess.tail(log, 0);
            Matcher http = HTTP_PORT.matcher(restarted);
            int port = -1;
            while (http.find()) {
                port = Integer.parseInt(http.group(1));
            }
            int readyPort = port;
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(HttpGet.get(readyPort, "/readyz").statusCode())
                                    .isEqualTo(200));
            assertThat(server.isAlive()).isTrue();
        }
    }

    /**
     * Once the disk has room again (the tmpfs grown under the running node), writes are stored,
     * readiness comes back and a snapshot succeeds, without a restart.
     */
    @Test
    void aNodeWhoseDiskHasRoomAgainStoresWritesAndIsReadyAgain() throws Exception {
        Path log = dir.resolve("server.log");
        Map<String, String> acked = new LinkedHashMap<>();
        Map<String, Set<String>> refused = new LinkedHashMap<>();
        try (ServerProcess server = ServerProcess.start(data, log, Map.of(), Duration.ofSeconds(120))) {
            Matcher http = HTTP_PORT.matcher(ServerProcess.tail(log, 0));
            assertThat(http.find()).isTrue();
            int httpPort = Integer.parseInt(http.group(1));
            try (LineClient admin = new LineClient(server.tcpPort)) {
                admin.ok("auth nun nun-pwd");
                admin.ok("create-db full full-token");
                admin.ok("use-db full full-token");
                int seq = fill(admin, acked, refused);
                assertThat(HttpGet.get(httpPort, "/readyz").statusCode()).isEqualTo(503);
                List<String> before = admin.ok("get-safe hot");

                assertThat(run("mount", "-o", "remount,size=64m", data.toString()))
                        .isNull();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> write(admin, "hot", "v" + System.nanoTime(), acked, refused));
                for (int i = 0; i < 50; i++) {
                    assertThat(write(admin, "k" + (seq + 1 + i), BIG, acked, refused))
                            .isTrue();
                }
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(
                                        HttpGet.get(httpPort, "/readyz").statusCode())
                                .isEqualTo(200));
                // the refused writes took no version: the stored one is the next after the last acknowledged
                long versionBefore = Long.parseLong(before.get(0).split(" ")[1]);
                long versionAfter =
                        Long.parseLong(admin.ok("get-safe hot").get(0).split(" ")[1]);
                assertThat(versionAfter).isEqualTo(versionBefore + 1);
                admin.ok("snapshot");
                assertReadsMatch(admin, acked, refused);
            }
            assertThat(server.isAlive()).isTrue();
        }
    }

    /**
     * Writes distinct 8 KiB keys, and every tenth write a small value of {@code hot}, until the
     * first write is refused; returns its sequence number.
     */
    private static int fill(LineClient admin, Map<String, String> acked, Map<String, Set<String>> refused)
            throws IOException {
        for (int seq = 0; ; seq++) {
            assertThat(seq).as("the 8 MiB disk never filled").isLessThan(5_000);
            String key = seq % 10 == 0 ? "hot" : "k" + seq;
            String value = (seq % 10 == 0 ? "" : BIG) + "v" + seq;
            if (!write(admin, key, value, acked, refused)) {
                assertThat(acked)
                        .as("writes acknowledged before the disk filled")
                        .hasSizeGreaterThan(100);
                assertThat(acked).containsKey("hot");
                return seq;
            }
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        try (var files = Files.walk(data)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }

    /** One write: true when acknowledged, false when refused as not stored; anything else fails. */
    private static boolean write(
            LineClient c, String key, String value, Map<String, String> acked, Map<String, Set<String>> refused)
            throws IOException {
        List<String> reply = c.call("set " + key + " " + value);
        String last = reply.get(reply.size() - 1);
        if (last.equals("ok ")) {
            acked.put(key, value);
            return true;
        }
        assertThat(last).as("reply to set %s", key).startsWith(NOT_STORED);
        refused.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(value);
        return false;
    }

    private static void assertReadsMatch(LineClient c, Map<String, String> acked, Map<String, Set<String>> refused)
            throws IOException {
        Set<String> keys = new LinkedHashSet<>(acked.keySet());
        keys.addAll(refused.keySet());
        for (String key : keys) {
            String expected = acked.getOrDefault(key, "<Empty>");
            assertThat(c.ok("get " + key)).as("get %s", key).containsExactly("value " + expected, "ok ");
        }
    }

    /** A TCP connection whose every line is kept, read on its own thread. */
    private static final class Watcher implements AutoCloseable {
        private final Socket socket = new Socket();
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final OutputStream out;

        Watcher(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            out = socket.getOutputStream();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(
                    () -> {
                        try {
                            for (String line; (line = in.readLine()) != null; ) {
                                lines.add(line);
                            }
                        } catch (IOException closed) {
                            // the test closed the socket
                        }
                    },
                    "disk-full-watcher");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) throws IOException {
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        /** Lines equal to {@code line}, the greeting included. */
        long count(String line) {
            return lines.stream().filter(line::equals).count();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
