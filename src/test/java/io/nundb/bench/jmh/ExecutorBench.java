package io.nundb.bench.jmh;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.node.NodeOptions;
import io.nundb.node.NunDbNode;
import io.nundb.protocol.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link CommandExecutor#execute(Session, String)}: parse, permission check, store and reply of
 * {@code set} and {@code get} on a node without disk (its journal answers at once, so this is the
 * engine's own CPU cost, with no thread hand-off).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExecutorBench {

    private static final int KEYS = 1000;

    private NunDbNode node;
    private CommandExecutor executor;
    private Session session;
    private String[] sets;
    private String[] gets;
    private int next;

    @Setup(Level.Trial)
    public void start() {
        node = new NunDbNode(NodeOptions.inMemory("jmh", "nun", "nun-pwd")).start();
        executor = node.executor();
        Session admin = new Session("jmh", message -> true);
        run(admin, "auth nun nun-pwd");
        run(admin, "create-db bench bench-token");
        session = new Session("jmh", message -> true);
        run(session, "use-db bench bench-token");
        sets = new String[KEYS];
        gets = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            sets[i] = "set key" + i + " " + "v".repeat(32);
            gets[i] = "get key" + i;
            run(session, sets[i]);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        node.close();
    }

    private void run(Session s, String command) {
        Response r = executor.execute(s, command).join();
        if (!r.isOk()) {
            throw new IllegalStateException(command + ": " + r.error());
        }
    }

    @Benchmark
    public CompletableFuture<Response> set() {
        next = (next + 1) % KEYS;
        return executor.execute(session, sets[next]);
    }

    @Benchmark
    public CompletableFuture<Response> get() {
        next = (next + 1) % KEYS;
        return executor.execute(session, gets[next]);
    }
}
