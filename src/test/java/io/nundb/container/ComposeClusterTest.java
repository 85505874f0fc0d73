package io.nundb.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nundb.testing.LedgerWriter;
import io.nundb.testing.LedgerWriter.Outcome;
import io.nundb.testing.LedgerWriter.Write;
import io.nundb.testing.LineClient;
import io.nundb.testing.PipelinedGets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose file's three-node cluster for real, with the image .ci/run builds ({@code
 * NUNDB_IMAGE}) and {@code NUN_REPLICATION_ACK=majority} from the run's env file: a write through
 * node 1 is read and watched on nodes 2 and 3; {@code docker kill} of the primary under load, a new
 * primary takes writes and nothing acknowledged is lost, and the killed node, started again,
 * converges; {@code docker network disconnect} of the primary, which then stops accepting writes
 * while the majority elects a primary, and after {@code docker network connect} every node holds the
 * same data. Each test has its own compose project and always ends with {@code down -v}. Skipped,
 * with the reason, without a Docker engine, docker-compose or the image.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ComposeClusterTest {

    private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");
    private static final String DB = "compose";
    private static final String TOKEN = "compose-token";
    /** A node starts in ~15 s on a quiet machine; at a load average of 40 on 2 cores it took 2.5 min. */
    private static final Duration START = Duration.ofMinutes(5);

    private static final Pattern ROLE = Pattern.compile("role=(\\S+)");
    private static final Pattern PRIMARY = Pattern.compile("primary=([^:\\s]+)");

    @TempDir
    Path dir;

    private ComposeCluster cluster;
    private final List<LedgerWriter> writers = new ArrayList<>();

    @BeforeEach
    void cluster() throws IOException {
        String noEngine = ComposeCluster.whyNoEngine();
        assumeTrue(
                noEngine == null,
                noEngine + ": compose cluster test skipped. Start one with docker/start-dockerd.sh (or run "
                        + ".ci/run), then re-run.");
        String image = System.getenv("NUNDB_IMAGE");
        assumeTrue(
                image != null && !image.isBlank() && ComposeCluster.imageExists(image),
                "No image to run: compose cluster test skipped. Build one and name it in NUNDB_IMAGE (.ci/run "
                        + "does: docker build -t nundb-jvm:ci . and NUNDB_IMAGE=nundb-jvm:ci).");
        cluster = ComposeCluster.up(COMPOSE_FILE, dir, image, Map.of("NUN_REPLICATION_ACK", "majority"));
        for (String s : ComposeCluster.SERVICES) {
            cluster.awaitReady(s, START);
        }
    }

    @AfterEach
    void down() throws InterruptedException {
        try {
            for (LedgerWriter w : writers) {
                w.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void aKilledPrimaryIsReplacedLosesNothingAcknowledgedAndCatchesUpWhenStarted() throws Exception {
        String old = awaitPrimary(ComposeCluster.SERVICES);
        try (LineClient admin = cluster.admin("nundb-1")) {
            assertThat(admin.call("debug cluster").get(0)).contains("ack=majority");
            assertThat(admin.call("create-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
        }
        awaitDbEverywhere();

        // a write through node 1, read and watched on nodes 2 and 3
        try (Watcher on2 = new Watcher("nundb-2", "greeting");
                Watcher on3 = new Watcher("nundb-3", "greeting");
                LineClient one = session("nundb-1")) {
            assertThat(one.call("set greeting hello")).last().isEqualTo("ok ");
            assertThat(on2.next()).isEqualTo("changed greeting hello");
            assertThat(on3.next()).isEqualTo("changed greeting hello");
            for (String node : List.of("nundb-2", "nundb-3")) {
                await("node " + node + " reads the write")
                        .atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(get(node, "greeting")).isEqualTo("hello"));
            }
        }

        for (String s : ComposeCluster.SERVICES) {
            writers.add(LedgerWriter.freshKeys(
                    cluster.nodes(), "w" + s.charAt(s.length() - 1), ComposeCluster.SERVICES.indexOf(s), DB, TOKEN));
        }
        await("load on every writer")
                .atMost(Duration.ofSeconds(60))
                .until(() -> writers.stream().allMatch(w -> w.acked() >= 30));

        long killedAt = System.nanoTime();
        cluster.kill(old);
        List<String> survivors = cluster.running();
        String elected = awaitPrimary(survivors);
        long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(elected).isNotEqualTo(old);
        int[] before = writers.stream().mapToInt(LedgerWriter::acked).toArray();
        await("writes acknowledged under the new primary, the killed node's writer on a survivor too")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    for (int i = 0; i < writers.size(); i++) {
                        if (writers.get(i).acked() < before[i] + 20) {
                            return false;
                        }
                    }
                    return true;
                });
        try (LineClient direct = session(elected)) {
            assertThat(direct.call("set after-failover yes")).last().isEqualTo("ok ");
        }

        cluster.start(old);
        cluster.awaitReady(old, START);
        stopWriters();
        String digest = awaitSameDigest();
        System.out.printf(
                "compose failover: docker kill of primary %s, %s agreed by the survivors after %d ms; converged: %s%n",
                old, elected, electedMs, digest);
        assertThat(get(old, "after-failover")).isEqualTo("yes");
        assertThat(lostOrWrong(killedAt))
                .as("acknowledged writes lost (majority mode), refused ones present, or nodes disagreeing")
                .isEmpty();
    }

    @Test
    void anIsolatedPrimaryStopsTakingWritesTheMajorityGoesOnAndAllConvergeAfterReconnecting() throws Exception {
        String old = awaitPrimary(ComposeCluster.SERVICES);
        try (LineClient admin = cluster.admin(old)) {
            assertThat(admin.call("create-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
        }
        awaitDbEverywhere();
        List<String> majority = new ArrayList<>(ComposeCluster.SERVICES);
        majority.remove(old);
        LedgerWriter onOld =
                LedgerWriter.freshKeys(cluster.nodes(), "old", ComposeCluster.SERVICES.indexOf(old), DB, TOKEN);
        writers.add(onOld);
        for (String s : majority) {
            writers.add(LedgerWriter.freshKeys(
                    cluster.nodes(), "m" + s.charAt(s.length() - 1), ComposeCluster.SERVICES.indexOf(s), DB, TOKEN));
        }
        await("load on every writer")
                .atMost(Duration.ofSeconds(60))
                .until(() -> writers.stream().allMatch(w -> w.acked() >= 30));

        String peerAddressBefore = cluster.addressOn(cluster.clusterNetwork(), old);
        long isolatedAt = System.nanoTime();
        cluster.disconnect(old);
        await("the isolated primary steps down")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> !role(clusterInfo(old)).equals("leader"));
        String elected = awaitPrimary(majority);
        long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - isolatedAt);
        try (LineClient direct = session(old)) {
            List<String> reply = direct.call("set during-partition no");
            assertThat(reply.get(reply.size() - 1))
                    .as("a write on the isolated node")
                    .startsWith("error ");
        }
        int[] before = writers.stream().mapToInt(LedgerWriter::acked).toArray();
        await("the majority side takes writes")
                .atMost(Duration.ofSeconds(60))
                .until(() -> writers.get(1).acked() >= before[1] + 20
                        && writers.get(2).acked() >= before[2] + 20);
        long reconnectedAt = System.nanoTime();
        assertThat(onOld.ledger().stream()
                        .filter(w -> w.sentNanos() > isolatedAt + TimeUnit.MILLISECONDS.toNanos(100)
                                && w.answeredNanos() < reconnectedAt
                                && w.outcome() == Outcome.ACKED))
                .as("writes the isolated node acknowledged during the partition")
                .isEmpty();

        cluster.reconnect(old);
        String peerAddressAfter = cluster.addressOn(cluster.clusterNetwork(), old);
        String agreed = awaitPrimary(ComposeCluster.SERVICES);
        int onOldBefore = onOld.acked();
        await("the reconnected node takes writes again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> onOld.acked() >= onOldBefore + 20);
        long healedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - reconnectedAt);
        stopWriters();
        String digest = awaitSameDigest();
        System.out.printf(
                "compose partition: %s (%s) disconnected, %s elected after %d ms; reconnected (%s), all agree on"
                        + " %s and %s writes again after %d ms; converged: %s%n",
                old, peerAddressBefore, elected, electedMs, peerAddressAfter, agreed, old, healedMs, digest);
        assertThat(get(elected, "during-partition")).isEqualTo("<Empty>");
        assertThat(lostOrWrong(isolatedAt))
                .as("acknowledged writes lost, refused ones present, or nodes disagreeing")
                .isEmpty();
    }

    private void stopWriters() throws InterruptedException {
        for (LedgerWriter w : writers) {
            w.close();
        }
    }

    /**
     * What the writers' logs and the converged nodes disagree on: every node must hold the same value
     * for every key written, acknowledged writes must be there, refused ones must not.
     */
    private List<String> lostOrWrong(long faultNanos) throws IOException {
        Map<String, Write> byKey = new LinkedHashMap<>();
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        for (LedgerWriter w : writers) {
            for (Write write : w.ledger()) {
                byKey.put(write.key(), write);
                counts.merge(write.outcome(), 1, Integer::sum);
            }
        }
        List<Map<String, String>> perNode = new ArrayList<>();
        for (String s : ComposeCluster.SERVICES) {
            perNode.add(PipelinedGets.values(cluster.address(s), ComposeCluster.TCP, DB, TOKEN, byKey.keySet()));
        }
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < perNode.size(); i++) {
            if (!perNode.get(i).equals(perNode.get(0))) {
                problems.add(ComposeCluster.SERVICES.get(i) + " holds other values than nundb-1");
            }
        }
        int afterFault = 0;
        for (Write w : byKey.values()) {
            String held = perNode.get(0).get(w.key());
            if (w.outcome() == Outcome.ACKED && !w.value().equals(held)) {
                problems.add("acknowledged " + w + " but the nodes hold " + held);
            } else if (w.outcome() == Outcome.REFUSED && held != null) {
                problems.add("refused " + w + " is present");
            }
            if (w.outcome() == Outcome.ACKED && w.sentNanos() > faultNanos) {
                afterFault++;
            }
        }
        System.out.printf("compose writes: %s, %d acknowledged after the fault%n", counts, afterFault);
        return problems;
    }

    private LineClient session(String service) throws IOException {
        LineClient c = cluster.tcp(service);
        assertThat(c.call("use-db " + DB + " " + TOKEN)).last().isEqualTo("ok ");
        return c;
    }

    private String get(String service, String key) throws IOException {
        try (LineClient c = session(service)) {
            return c.call("get " + key).get(0).replaceFirst("^value ", "");
        }
    }

    private void awaitDbEverywhere() {
        for (String s : ComposeCluster.SERVICES) {
            await("db on " + s)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> {
                        session(s).close();
                        return true;
                    });
        }
    }

    private String clusterInfo(String service) throws IOException {
        try (LineClient admin = cluster.admin(service)) {
            return admin.call("debug cluster").get(0);
        }
    }

    private static String role(String info) {
        Matcher m = ROLE.matcher(info);
        return m.find() ? m.group(1) : "?";
    }

    /** Waits until every one of {@code among} names the same primary, which is one of them and leads. */
    private String awaitPrimary(Collection<String> among) {
        String[] found = new String[1];
        await("one primary agreed by " + among)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    Set<String> named = new TreeSet<>();
                    Map<String, String> roles = new HashMap<>();
                    for (String s : among) {
                        String info = clusterInfo(s);
                        Matcher m = PRIMARY.matcher(info);
                        named.add(m.find() ? m.group(1) : "none");
                        roles.put(s, role(info));
                    }
                    String primary = named.iterator().next();
                    found[0] = primary;
                    return named.size() == 1 && "leader".equals(roles.get(primary));
                });
        return found[0];
    }

    /** Waits until {@code debug digest} is the same on all three nodes; returns it. */
    private String awaitSameDigest() {
        List<String> last = new ArrayList<>();
        await("the same digest on every node (last seen " + last + ")")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    List<String> digests = new ArrayList<>();
                    for (String s : ComposeCluster.SERVICES) {
                        try (LineClient admin = cluster.admin(s)) {
                            digests.add(admin.call("debug digest").get(0));
                        }
                    }
                    last.clear();
                    last.addAll(digests);
                    return digests.get(0).startsWith("digest ")
                            && Set.copyOf(digests).size() == 1;
                });
        return last.get(0);
    }

    /** A TCP session on one node watching one key; {@link #next()} is the next change it is told of. */
    private final class Watcher implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();

        Watcher(String service, String key) throws IOException {
            socket.connect(new InetSocketAddress(cluster.address(service), ComposeCluster.TCP), 10_000);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            socket.getOutputStream()
                    .write(("use-db " + DB + " " + TOKEN + "\nwatch " + key + "\n").getBytes(StandardCharsets.UTF_8));
            socket.setSoTimeout(30_000);
            for (int i = 0; i < 3; i++) { // greeting, use-db, watch
                assertThat(in.readLine()).as("watch set-up on " + service).isEqualTo("ok ");
            }
            Thread reader = new Thread(
                    () -> {
                        try {
                            for (String line; (line = in.readLine()) != null; ) {
                                if (line.startsWith("changed ")) {
                                    changes.add(line);
                                }
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    },
                    "watcher-" + service);
            reader.setDaemon(true);
            reader.start();
        }

        String next() throws InterruptedException {
            return changes.poll(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
