package io.nundb.container;

import static org.awaitility.Awaitility.await;

import io.nundb.testing.LedgerWriter;
import io.nundb.testing.LineClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The project's docker-compose.yml brought up for real under a project name of its own ({@code -p}),
 * with an env file written for the run ({@code --env-file}: the image, the secrets, the ack mode,
 * and empty host-port variables so Docker picks free host ports). The test reaches each node by its
 * address on a second network it creates and attaches ({@code <project>-clients}): the compose
 * network ({@code <project>_nundb}) carries the peer traffic, so {@link #disconnect(String)} cuts a
 * node off from its peers while the test can still talk to it. {@link #close()} always runs {@code
 * docker-compose down -v} and removes the client network (a JVM shutdown hook does the same if the
 * test JVM is stopped first).
 *
 * <p>Threads: the caller's; every docker call is a child process with a timeout.
 */
final class ComposeCluster implements AutoCloseable {

    static final List<String> SERVICES = List.of("nundb-1", "nundb-2", "nundb-3");
    static final String USER = "nun";
    static final int HTTP = 3013;
    static final int TCP = 3014;

    private static final Duration DOCKER_CALL = Duration.ofMinutes(3);

    private final Path composeFile;
    private final Path envFile;
    private final String project;
    private final String password;
    private final String clientNetwork;
    private final Map<String, String> containers = new LinkedHashMap<>();
    /** Service → address on the client network, cached until the container restarts. */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final Thread cleanupOnExit = new Thread(this::cleanUp, "compose-cleanup");
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private boolean closed;

    private ComposeCluster(Path composeFile, Path envFile, String project, String password) {
        this.composeFile = composeFile;
        this.envFile = envFile;
        this.project = project;
        this.password = password;
        this.clientNetwork = project + "-clients";
    }

    /** Whether a Docker engine answers; {@code null} if so, else why not (for an assumption's message). */
    static String whyNoEngine() {
        try {
            docker(Duration.ofSeconds(30), "docker", "info");
        } catch (IOException | RuntimeException e) {
            return "No Docker engine reachable ("
                    + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        try {
            docker(Duration.ofSeconds(30), "docker-compose", "version");
        } catch (IOException | RuntimeException e) {
            return "docker-compose is not installed ("
                    + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        return null;
    }

    /** Whether {@code image} exists in the engine. */
    static boolean imageExists(String image) {
        try {
            docker(Duration.ofSeconds(30), "docker", "image", "inspect", image);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code docker-compose up -d} of the three nodes (no build: {@code image} must exist) with
     * {@code settings} added to the env file, then the client network attached to every node.
     */
    static ComposeCluster up(Path composeFile, Path dir, String image, Map<String, String> settings)
            throws IOException {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String password = "pwd-" + run;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NUNDB_IMAGE", image);
        env.put("NUN_PWD", password);
        env.put("NUN_CLUSTER_SECRET", "secret-" + run);
        // empty: Docker chooses free host ports (the test uses the nodes' own addresses anyway)
        env.put("NUNDB_1_PORTS", "");
        env.put("NUNDB_2_PORTS", "");
        env.put("NUNDB_3_PORTS", "");
        env.putAll(settings);
        StringBuilder text = new StringBuilder();
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path envFile = Files.writeString(dir.resolve("compose.env"), text);
        ComposeCluster cluster = new ComposeCluster(composeFile.toAbsolutePath(), envFile, "nundbct" + run, password);
        Runtime.getRuntime().addShutdownHook(cluster.cleanupOnExit);
        try {
            cluster.compose("up", "-d", "--no-build");
            docker(DOCKER_CALL, "docker", "network", "create", cluster.clientNetwork);
            for (String service : SERVICES) {
                String id = cluster.compose("ps", "-q", service).strip();
                if (id.isEmpty()) {
                    throw new IOException("no container for " + service);
                }
                cluster.containers.put(service, id);
                docker(DOCKER_CALL, "docker", "network", "connect", cluster.clientNetwork, id);
                // peers must not find each other over the test's network, or no partition would cut them
                String aliases = docker(
                        DOCKER_CALL,
                        "docker",
                        "inspect",
                        "-f",
                        "{{(index .NetworkSettings.Networks \"" + cluster.clientNetwork + "\").Aliases}}",
                        id);
                if (aliases.matches("(?s).*\\b" + service + "\\b.*")) {
                    throw new IllegalStateException(service + " answers to its service name on " + cluster.clientNetwork
                            + " too (" + aliases.strip() + "): a hostname: in the compose file does that");
                }
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String project() {
        return project;
    }

    /** The compose network the peers talk over (the file's {@code nundb} network). */
    String clusterNetwork() {
        return project + "_nundb";
    }

    String container(String service) {
        return containers.get(service);
    }

    /** The service's address on the client network. */
    String address(String service) {
        return addresses.computeIfAbsent(service, s -> {
            try {
                String ip = addressOn(clientNetwork, s);
                if (ip.isEmpty()) {
                    throw new IllegalStateException(s + " has no address on " + clientNetwork);
                }
                return ip;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The service's address on {@code network} now, empty when it is not attached to it. */
    String addressOn(String network, String service) throws IOException {
        return docker(
                        DOCKER_CALL,
                        "docker",
                        "inspect",
                        "-f",
                        "{{with index .NetworkSettings.Networks \"" + network + "\"}}{{.IPAddress}}{{end}}",
                        containers.get(service))
                .strip();
    }

    /** The services as numbered nodes, for {@link LedgerWriter}. */
    LedgerWriter.Nodes nodes() {
        return new LedgerWriter.Nodes() {
            @Override
            public int size() {
                return SERVICES.size();
            }

            @Override
            public String name(int node) {
                return SERVICES.get(node);
            }

            @Override
            public boolean running(int node) {
                return !down.contains(SERVICES.get(node));
            }

            @Override
            public LineClient tcp(int node) throws IOException {
                return ComposeCluster.this.tcp(SERVICES.get(node));
            }
        };
    }

    /** Services not killed (a disconnected node is up, only cut off from its peers). */
    List<String> running() {
        return SERVICES.stream().filter(s -> !down.contains(s)).toList();
    }

    boolean ready(String service) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://" + address(service) + ":" + HTTP + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(3))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitReady(String service, Duration timeout) {
        try {
            await(service + " ready")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> ready(service));
        } catch (RuntimeException e) {
            throw new AssertionError(service + " not ready; its log:\n" + logs(service), e);
        }
    }

    /** A TCP session on the service (greeting read). */
    LineClient tcp(String service) throws IOException {
        return new LineClient(address(service), TCP);
    }

    /** An admin TCP session on the service. */
    LineClient admin(String service) throws IOException {
        LineClient c = tcp(service);
        c.call("auth " + USER + " " + password);
        return c;
    }

    /** {@code docker kill} (SIGKILL): no shutdown, no snapshot. */
    void kill(String service) throws IOException {
        down.add(service);
        docker(DOCKER_CALL, "docker", "kill", containers.get(service));
    }

    /** {@code docker start} of a killed node, on its volume and networks (its addresses may change). */
    void start(String service) throws IOException {
        addresses.remove(service);
        docker(DOCKER_CALL, "docker", "start", containers.get(service));
        down.remove(service);
    }

    /** {@code docker network disconnect} from the peers' network: the node keeps running, alone. */
    void disconnect(String service) throws IOException {
        docker(DOCKER_CALL, "docker", "network", "disconnect", clusterNetwork(), containers.get(service));
    }

    /** Reconnects the node to the peers' network under its service name, as compose attached it. */
    void reconnect(String service) throws IOException {
        docker(
                DOCKER_CALL,
                "docker",
                "network",
                "connect",
                "--alias",
                service,
                clusterNetwork(),
                containers.get(service));
    }

    /** The service's container log (for failure messages). */
    String logs(String service) {
        try {
            String log = docker(DOCKER_CALL, "docker", "logs", "--tail", "60", containers.get(service));
            return log;
        } catch (IOException | RuntimeException e) {
            return "<no log: " + e.getMessage() + ">";
        }
    }

    private String compose(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "docker-compose",
                "-f",
                composeFile.toString(),
                "--project-directory",
                composeFile.getParent().toString(),
                "--env-file",
                envFile.toString(),
                "-p",
                project));
        command.addAll(List.of(args));
        return docker(DOCKER_CALL, command.toArray(String[]::new));
    }

    /** Runs a docker or compose command; its output, or an exception with the output when it fails. */
    static String docker(Duration timeout, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "docker-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output;
        synchronized (out) {
            output = out.toString(StandardCharsets.UTF_8);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + output);
        }
        return output;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** {@code down -v} (containers, the compose network, the volumes), then the client network. */
    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> problems = new ArrayList<>();
        try {
            compose("down", "-v", "--remove-orphans", "-t", "5");
        } catch (IOException | RuntimeException e) {
            problems.add(e.getMessage());
        }
        try {
            docker(DOCKER_CALL, "docker", "network", "rm", clientNetwork);
        } catch (IOException | RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("No such network")
                    && !String.valueOf(e.getMessage()).contains("not found")) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("compose project " + project + " cleanup: " + problems);
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (and finds the work done)
        }
    }
}
