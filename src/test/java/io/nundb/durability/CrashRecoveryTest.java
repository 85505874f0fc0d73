package io.nundb.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability promise with real processes: several connections write, the server is killed with
 * SIGKILL at a random moment, restarted, and every acknowledged write must be there with its
 * version (or, for the one write per key that was in flight at the kill, possibly that write).
 * Ends with a SIGTERM under load.
 */
@Timeout(240)
class CrashRecoveryTest {

    private static final Logger log = LoggerFactory.getLogger(CrashRecoveryTest.class);
    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 20;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** What the clients know about one key; only its writer thread changes it while writing. */
    static final class KeyState {
        volatile Integer version;
        volatile String value;
        volatile String inflight;
    }

    private final Map<String, KeyState> model = new ConcurrentHashMap<>();
    private final AtomicLong acked = new AtomicLong();

    /**
     * One data directory, one server process per round: rounds alternate fsync {@code interval}
     * and {@code always} (each round's writes are checked by the next start), the last one ends
     * with SIGTERM instead of SIGKILL. Alternating keeps the number of JVM starts, which dominate
     * the run time, low.
     */
    @Test
    void killNineLosesNothingAcknowledgedAndSigtermShutsDownCleanly() throws Exception {
        List<String> policies = List.of("interval", "always", "interval", "always", "interval");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        log.info("crash test seed={}", seed);
        Path data = dir.resolve("data");
        Path serverLog = dir.resolve("server.log");
        for (int w = 0; w < WRITERS; w++) {
            for (int k = 0; k < KEYS_PER_WRITER; k++) {
                model.put(key(w, k), new KeyState());
            }
        }
        ServerProcess server = null;
        try {
            for (int round = 0; round < policies.size(); round++) {
                String policy = policies.get(round);
                server = ServerProcess.start(data, serverLog, env(policy), START_TIMEOUT);
                if (round == 0) {
                    try (LineClient admin = new LineClient(server.tcpPort)) {
                        admin.ok("auth nun nun-pwd");
                        admin.ok("create-db crash crash-token");
                    }
                } else {
                    verify(server.tcpPort, "after kill " + round + " (fsync " + policies.get(round - 1) + ")");
                }
                boolean last = round == policies.size() - 1;
                long before = acked.get();
                int stopAfterMs = 300 + random.nextInt(1200);
                ServerProcess target = server;
                writeUntil(server.tcpPort, round, () -> {
                    // the random kill point, counted from the first acknowledged write of the round:
                    // on a loaded machine the first write after a restart can take longer than the window
                    org.awaitility.Awaitility.await("a first acknowledged write in round " + policy)
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> acked.get() > before);
                    Thread.sleep(stopAfterMs);
                    if (last) {
                        int code = target.terminate();
                        assertThat(code).as("exit code after SIGTERM").isIn(0, 130, 143);
                    } else {
                        target.kill();
                    }
                });
                assertThat(acked.get() - before)
                        .as("writes acknowledged in round %d (fsync %s)", round, policy)
                        .isPositive();
            }
            try (Stream<Path> snaps = Files.list(data.resolve("snapshots"))) {
                assertThat(snaps.filter(p -> p.toString().endsWith(".snap")))
                        .as("graceful shutdown writes a snapshot")
                        .isNotEmpty();
            }
            assertThat(ServerProcess.tail(serverLog, 0)).contains("Snapshot snapshot-");
            server = ServerProcess.start(data, serverLog, env("interval"), START_TIMEOUT);
            verify(server.tcpPort, "after SIGTERM");
            log.info("crash test: {} acknowledged writes verified", acked.get());
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static Map<String, String> env(String policy) {
        return Map.of("NUN_FSYNC_POLICY", policy, "NUN_DECLUTTER_INTERVAL", "1");
    }

    private static String key(int writer, int k) {
        return "w" + writer + "-k" + k;
    }

    interface Interruption {
        void run() throws Exception;
    }

    /** Writers hammer their keys until {@code stop} (a kill) cuts them off. */
    private void writeUntil(int port, int round, Interruption stop) throws Exception {
        AtomicBoolean unexpected = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> {
                try (LineClient c = new LineClient(port)) {
                    c.ok("use-db crash crash-token");
                    for (int n = 0; ; n++) {
                        KeyState st = model.get(key(writer, n % KEYS_PER_WRITER));
                        String value = "r" + round + "-w" + writer + "-n" + n + " some text";
                        st.inflight = value;
                        List<String> reply = c.call("set " + key(writer, n % KEYS_PER_WRITER) + " " + value);
                        if (!reply.get(reply.size() - 1).equals("ok ")) {
                            problems.add("set refused: " + reply);
                            unexpected.set(true);
                            return;
                        }
                        st.version = st.version == null ? 0 : st.version + 1;
                        st.value = value;
                        st.inflight = null;
                        acked.incrementAndGet();
                    }
                } catch (IOException e) {
                    // the server went away: the in-flight write may or may not be stored
                }
            });
            t.start();
            threads.add(t);
        }
        stop.run();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("writer stopped").isFalse();
        }
        assertThat(problems).isEmpty();
        assertThat(unexpected).isFalse();
    }

    private void verify(int port, String when) throws IOException {
        try (LineClient c = new LineClient(port)) {
            c.ok("use-db crash crash-token");
            for (Map.Entry<String, KeyState> e : model.entrySet()) {
                List<String> reply = c.ok("get-safe " + e.getKey());
                String line = reply.get(0);
                assertThat(line).startsWith("value-version ");
                String rest = line.substring("value-version ".length());
                int space = rest.indexOf(' ');
                int version = Integer.parseInt(rest.substring(0, space));
                String value = rest.substring(space + 1);
                KeyState st = e.getValue();
                String describe = when + ": " + e.getKey() + " acked v" + st.version + " '" + st.value
                        + "', in flight '" + st.inflight + "', found v" + version + " '" + value + "'";
                boolean asAcked =
                        st.version == null ? value.equals("<Empty>") : version == st.version && value.equals(st.value);
                boolean asInflight = st.inflight != null
                        && value.equals(st.inflight)
                        && version == (st.version == null ? 0 : st.version + 1);
                assertThat(asAcked || asInflight).as(describe).isTrue();
                if (!value.equals("<Empty>")) {
                    st.version = version;
                    st.value = value;
                }
                st.inflight = null;
            }
        }
    }
}
