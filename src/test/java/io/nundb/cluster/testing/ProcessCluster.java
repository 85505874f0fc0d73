package io.nundb.cluster.testing;

import static org.awaitility.Awaitility.await;

import io.nundb.durability.ServerProcess;
import io.nundb.testing.LedgerWriter;
import io.nundb.testing.LineClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * N real server processes of this project on loopback, each with its own data directory, log
 * file and pre-chosen ports (so that a restart comes back on the same ports, as a real node would).
 * Processes are launched as {@link ServerProcess} launches one (a JVM on the test classpath).
 *
 * <p>With {@link Builder#clustered(boolean)} each node also gets the cluster variables: its
 * cluster port ({@code NUN_CLUSTER_ADDR}), the address peers use ({@code NUN_EXTERNAL_ADDR}), all
 * members' external addresses ({@code NUN_REPLICATE_ADDR}), the secret, the ack mode and the
 * election timeout. With {@link Builder#proxies(boolean)} a {@link FaultProxy} sits in front of
 * each node's cluster port and is what the node advertises, so that faults between nodes can be
 * injected with {@link #proxy(int)}; the proxies outlive node restarts.
 *
 * <p>Threads: the caller's; {@link #startAll()} starts the nodes in parallel.
 */
public final class ProcessCluster implements AutoCloseable, LedgerWriter.Nodes {

    /** The admin user every node is started with. */
    public static final String USER = "nun";

    public static final String PASSWORD = "nun-pwd";

    /** One node's fixed identity: ports, addresses, data directory and log. */
    public record Node(
            int index,
            int tcpPort,
            int wsPort,
            int httpPort,
            int rsocketPort,
            int clusterPort,
            String externalAddress,
            Path dataDir,
            Path log) {

        public String clusterAddress() {
            return "127.0.0.1:" + clusterPort;
        }
    }

    private final Builder settings;
    private final List<Node> nodes = new ArrayList<>();
    private final List<FaultProxy> proxies = new ArrayList<>();
    private final ServerProcess[] processes;
    private final Set<Integer> chosenPorts = new HashSet<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ProcessCluster(Builder settings) throws IOException {
        this.settings = settings;
        this.processes = new ServerProcess[settings.size];
        for (int i = 0; i < settings.size; i++) {
            int clusterPort = freePort();
            FaultProxy proxy = settings.proxies ? FaultProxy.start("127.0.0.1", clusterPort) : null;
            proxies.add(proxy);
            Path data = Files.createDirectories(settings.dir.resolve("node" + i));
            nodes.add(new Node(
                    i,
                    freePort(),
                    freePort(),
                    freePort(),
                    freePort(),
                    clusterPort,
                    proxy != null ? proxy.address() : "127.0.0.1:" + clusterPort,
                    data,
                    settings.dir.resolve("node" + i + ".log")));
        }
    }

    /** A cluster whose nodes keep their data and logs under {@code dir} (a test's temp dir). */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** What to start; every setting has a default that fits a local test. */
    public static final class Builder {
        private final Path dir;
        private int size = 3;
        private boolean clustered;
        private boolean proxies;
        private String ack = "majority";
        private long electionTimeoutMs = 1000;
        private String secret = "cluster-test-secret";
        private Duration startTimeout = Duration.ofSeconds(120);
        private List<String> jvmOptions = ServerProcess.TEST_JVM_OPTIONS;
        private final Map<String, String> extraEnv = new LinkedHashMap<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        public Builder nodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster needs at least one node, got " + n);
            }
            size = n;
            return this;
        }

        /** Whether to pass the cluster variables (off: independent single nodes). */
        public Builder clustered(boolean on) {
            clustered = on;
            return this;
        }

        /** Whether peers reach each node through a {@link FaultProxy}. */
        public Builder proxies(boolean on) {
            proxies = on;
            return this;
        }

        /** {@code NUN_REPLICATION_ACK}: {@code lazy} or {@code majority}. */
        public Builder ack(String mode) {
            if (!mode.equals("lazy") && !mode.equals("majority")) {
                throw new IllegalArgumentException("ack mode is lazy or majority, got " + mode);
            }
            ack = mode;
            return this;
        }

        public Builder electionTimeoutMs(long ms) {
            electionTimeoutMs = ms;
            return this;
        }

        public Builder secret(String value) {
            secret = value;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            startTimeout = timeout;
            return this;
        }

        /** The nodes' JVM options (default: the tests' quick-start set, C1 only). */
        public Builder jvmOptions(List<String> options) {
            jvmOptions = List.copyOf(options);
            return this;
        }

        /** An extra variable for every node (e.g. {@code NUN_FSYNC_POLICY}); overrides the harness's. */
        public Builder env(String name, String value) {
            extraEnv.put(name, value);
            return this;
        }

        /** Chooses ports and directories and starts the proxies; the nodes start with {@link #startAll()}. */
        public ProcessCluster build() throws IOException {
            return new ProcessCluster(this);
        }
    }

    @Override
    public String name(int i) {
        return "node" + i;
    }

    @Override
    public int size() {
        return nodes.size();
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The proxy in front of node {@code i}'s cluster port; fails when the cluster has none. */
    public FaultProxy proxy(int i) {
        FaultProxy proxy = proxies.get(i);
        if (proxy == null) {
            throw new IllegalStateException("this cluster was built without proxies");
        }
        return proxy;
    }

    /**
     * A partition around node {@code i}: its own proxy drops what peers send it, and the peers'
     * proxies drop the connections it opens to them (recognised by its node id, see {@link
     * FaultProxy#blackholeFrom(String)}), so it neither sends to nor hears from any peer. Its client
     * ports stay reachable.
     */
    public void isolate(int i) {
        proxy(i).blackhole();
        for (int j = 0; j < nodes.size(); j++) {
            if (j != i) {
                proxy(j).blackholeFrom(nodes.get(i).externalAddress());
            }
        }
    }

    /** Ends every partition and delay on every proxy. */
    public void heal() {
        for (int j = 0; j < nodes.size(); j++) {
            proxy(j).resume();
        }
    }

    /** The environment node {@code i} runs with (besides {@code NUN_DBS_DIR}, which follows its data dir). */
    public Map<String, String> environment(int i) {
        Node n = nodes.get(i);
        Map<String, String> env = new HashMap<>();
        env.put("NUN_USER", USER);
        env.put("NUN_PWD", PASSWORD);
        env.put("NUN_TCP_ADDR", "127.0.0.1:" + n.tcpPort());
        env.put("NUN_WS_ADDR", "127.0.0.1:" + n.wsPort());
        env.put("NUN_HTTP_ADDR", "127.0.0.1:" + n.httpPort());
        env.put("NUN_RSOCKET_ADDR", "127.0.0.1:" + n.rsocketPort());
        env.put("NUN_REPLICATE_ADDR", "");
        if (settings.clustered) {
            env.put("NUN_CLUSTER_ADDR", n.clusterAddress());
            env.put("NUN_EXTERNAL_ADDR", n.externalAddress());
            env.put(
                    "NUN_REPLICATE_ADDR",
                    nodes.stream().map(Node::externalAddress).collect(Collectors.joining(",")));
            env.put("NUN_CLUSTER_SECRET", settings.secret);
            env.put("NUN_REPLICATION_ACK", settings.ack);
            env.put("NUN_ELECTION_TIMEOUT", Long.toString(settings.electionTimeoutMs));
        }
        env.putAll(settings.extraEnv);
        return env;
    }

    /** Starts every node that is not running, in parallel; returns when each has bound its TCP port. */
    public void startAll() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            if (!running(node)) {
                starts.add(CompletableFuture.runAsync(() -> start(node)));
            }
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    }

    /** Starts node {@code i} (same data directory and ports as before); returns once its TCP port is bound. */
    public void start(int i) {
        if (running(i)) {
            throw new IllegalStateException("node " + i + " is already running");
        }
        Node n = nodes.get(i);
        try {
            processes[i] = ServerProcess.start(
                    n.dataDir(), n.log(), environment(i), settings.startTimeout, settings.jvmOptions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("node " + i + " did not start (log " + n.log() + ")", e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no snapshot. */
    public void kill9(int i) throws InterruptedException {
        ServerProcess p = processes[i];
        if (p != null) {
            p.kill();
            processes[i] = null;
        }
    }

    /** SIGTERM (a graceful stop); returns the exit code. */
    public int stop(int i) throws InterruptedException {
        ServerProcess p = processes[i];
        if (p == null) {
            throw new IllegalStateException("node " + i + " is not running");
        }
        processes[i] = null;
        return p.terminate();
    }

    /** Kills node {@code i} if it runs, then starts it again on the same directory and ports. */
    public void restart(int i) throws InterruptedException {
        kill9(i);
        start(i);
    }

    /** Node {@code i}'s process id; fails when it is not running. */
    public long pid(int i) {
        if (!running(i)) {
            throw new IllegalStateException("node " + i + " is not running");
        }
        return processes[i].pid();
    }

    @Override
    public boolean running(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** Whether node {@code i}'s readiness probe ({@code /actuator/health/readiness}) answers 200. */
    public boolean ready(int i) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nodes.get(i).httpPort() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until node {@code i} reports ready. */
    public void waitReady(int i, Duration timeout) {
        await("node " + i + " ready")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> ready(i));
    }

    /** A TCP protocol client on node {@code i} (greeting read). */
    @Override
    public LineClient tcp(int i) throws IOException {
        return new LineClient(nodes.get(i).tcpPort());
    }

    /** Node {@code i}'s log since the harness first started it (for failure messages). */
    public String log(int i) throws IOException {
        Path log = nodes.get(i).log();
        return Files.exists(log) ? ServerProcess.tail(log, 0) : "";
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < processes.length; i++) {
            kill9(i);
        }
        for (FaultProxy proxy : proxies) {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /**
     * A loopback port nobody listens on now and not handed out before (listeners that must know
     * their port before they start).
     */
    private int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (chosenPorts.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }
}
