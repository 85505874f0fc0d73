package io.nundb.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our server as users run it: {@code java <the Docker image's JVM flags> -jar nundb-jvm-*.jar} in its
 * own process, default settings except loopback listeners on free ports, a data directory of its own
 * and the admin login; cluster variables when given. Stopped (SIGTERM, then SIGKILL) by {@link #close()}.
 */
final class JarServer implements AutoCloseable {

    static final String USER = "nun";
    static final String PASSWORD = "perf-admin-pwd";
    static final int MAX_CONNECTIONS = 100_000;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int tcpPort;
    private final int wsPort;
    private final int httpPort;
    private final Thread killOnExit;

    private JarServer(String name, Process process, Path log, int tcpPort, int wsPort, int httpPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.tcpPort = tcpPort;
        this.wsPort = wsPort;
        this.httpPort = httpPort;
        this.killOnExit = new Thread(process::destroyForcibly, "perf-server-killer");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The listener addresses and login every perf server gets; {@code clusterEnv} adds the cluster's variables. */
    static JarServer start(
            String name,
            Path jar,
            DockerJvmFlags flags,
            Path dataDir,
            Path log,
            List<String> commandPrefix,
            Map<String, String> clusterEnv,
            Duration timeout)
            throws IOException, InterruptedException {
        // A free port can be taken by another process between the pick and the server's bind (the
        // machine is shared, and the picks come from the ephemeral range): then start again on others.
        attempts:
        for (int attempt = 1; ; attempt++) {
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            int tcp = FreePorts.pick();
            int ws = FreePorts.pick();
            int http = FreePorts.pick();
            int rsocket = FreePorts.pick();
            List<String> command = new ArrayList<>(commandPrefix);
            command.add(serverJava());
            command.addAll(flags.flags());
            command.add("-jar");
            command.add(jar.toString());
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> env = pb.environment();
            env.put("NUN_USER", USER);
            env.put("NUN_PWD", PASSWORD);
            env.put("NUN_DBS_DIR", dataDir.toString());
            env.put("NUN_TCP_ADDR", "127.0.0.1:" + tcp);
            env.put("NUN_WS_ADDR", "127.0.0.1:" + ws);
            env.put("NUN_HTTP_ADDR", "127.0.0.1:" + http);
            env.put("NUN_RSOCKET_ADDR", "127.0.0.1:" + rsocket);
            env.put("NUN_REPLICATE_ADDR", "");
            // The one setting off its default: 10,000 connections per door would refuse the fan-out's
            // writer next to 10,000 watchers, and the 50,000-connection phase altogether.
            env.put("NUN_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS));
            if (flags.javaToolOptions() != null) {
                env.put("JAVA_TOOL_OPTIONS", flags.javaToolOptions());
            }
            env.putAll(clusterEnv);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process p = pb.start();
            JarServer server = new JarServer(name, p, log, tcp, ws, http);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (!p.isAlive()) {
                    server.close();
                    if (attempt < 3
                            && Files.readString(log).substring((int) logStart).contains("already in use")) {
                        continue attempts;
                    }
                    throw new IOException(name + " exited with " + p.exitValue() + "; log " + log + ":\n" + tail(log));
                }
                try (LineSocket s = new LineSocket(tcp, 5_000)) {
                    return server;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        server.close();
                        throw new IOException(
                                name + " did not accept TCP connections within " + timeout + "; log " + log);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String name() {
        return name;
    }

    int tcpPort() {
        return tcpPort;
    }

    int wsPort() {
        return wsPort;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Whether {@code /actuator/health/readiness} answers 200 (a cluster node knows its primary and caught up). */
    boolean ready() {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One command on a fresh, authenticated admin connection; its reply lines. */
    List<String> admin(String command) throws IOException {
        try (LineSocket s = new LineSocket(tcpPort, 10_000)) {
            s.callOk("auth " + USER + " " + PASSWORD);
            return s.callOk(command);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /**
     * The server's {@code java}: {@code -Dperf.serverJavaHome} (a JDK or JRE directory, to compare
     * runtimes on the same bench), else (also when empty) the bench's own.
     */
    static String serverJava() {
        String home = System.getProperty("perf.serverJavaHome", "");
        if (home.isBlank()) {
            home = System.getProperty("java.home");
        }
        return Path.of(home, "bin", "java").toString();
    }
}
