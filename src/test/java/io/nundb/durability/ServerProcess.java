package io.nundb.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a child JVM on the test classpath, with every listener on an ephemeral port unless
 * {@code env} says otherwise. Also used by {@code io.nundb.cluster.testing.ProcessCluster}.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("NunDB TCP listening on [^:]+:(\\d+)");

    final Process process;
    final Path log;
    final int tcpPort;

    private ServerProcess(Process process, Path log, int tcpPort) {
        this.process = process;
        this.log = log;
        this.tcpPort = tcpPort;
    }

    /** A classpath for the server JVM other than this JVM's {@code java.class.path}. */
    public static final String CLASSPATH_PROPERTY = "nundb.server.classpath";

    /** What tests start the JVM with: a quick start (C1 only) and a small footprint. */
    public static final List<String> TEST_JVM_OPTIONS =
            List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    public static ServerProcess start(Path dataDir, Path log, Map<String, String> env, Duration timeout)
            throws Exception {
        return start(dataDir, log, env, timeout, TEST_JVM_OPTIONS);
    }

    /** As {@link #start(Path, Path, Map, Duration)} with other JVM options (the cluster bench wants C2). */
    public static ServerProcess start(
            Path dataDir, Path log, Map<String, String> env, Duration timeout, List<String> jvmOptions)
            throws Exception {
        return start(dataDir, log, env, timeout, jvmOptions, List.of());
    }

    /**
     * As above, the JVM started through {@code launcher} (e.g. {@code bash -c 'ulimit -n 512; exec
     * "$@"' bash}, which runs the java command line given as its arguments).
     */
    public static ServerProcess start(
            Path dataDir,
            Path log,
            Map<String, String> env,
            Duration timeout,
            List<String> jvmOptions,
            List<String> launcher)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(jvmOptions);
        // Under exec:java (the benches) java.class.path is Maven's own; the bench passes the real one.
        String classpath = System.getProperty(CLASSPATH_PROPERTY, System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classpath, "io.nundb.NunDbApplication"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("NUN_DBS_DIR", dataDir.toString());
        pb.environment().put("NUN_USER", "nun");
        pb.environment().put("NUN_PWD", "nun-pwd");
        pb.environment().put("NUN_TCP_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_HTTP_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_WS_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_RSOCKET_ADDR", "127.0.0.1:0");
        pb.environment().put("NUN_REPLICATE_ADDR", "");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long skip = Files.exists(log) ? Files.size(log) : 0;
        Process p = pb.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue() + ":\n" + tail(log, skip));
            }
            Matcher m = LISTENING.matcher(tail(log, skip));
            if (m.find()) {
                return new ServerProcess(p, log, Integer.parseInt(m.group(1)));
            }
            Thread.sleep(50); // polling a log file: there is no event to wait on
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not start within " + timeout + ":\n" + tail(log, skip));
    }

    public static String tail(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from));
    }

    /** SIGKILL: no shutdown hook, no flush, no snapshot. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM: Spring closes the context (final snapshot); returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server ignored SIGTERM for 60 s");
        }
        return process.exitValue();
    }

    /** The port the server's TCP listener bound. */
    public int tcpPort() {
        return tcpPort;
    }

    /** The process id (for {@code jcmd <pid> JFR.start} when profiling a bench). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
