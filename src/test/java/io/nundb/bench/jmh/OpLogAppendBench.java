package io.nundb.bench.jmh;

import io.nundb.storage.LogEntry;
import io.nundb.storage.oplog.FsyncPolicy;
import io.nundb.storage.oplog.OpLog;
import io.nundb.storage.oplog.OpLogOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link OpLog#append} with the default fsync policy ({@code interval}, 100 ms), to a temporary
 * directory: one entry appended and waited for (the latency a lone write pays: caller → writer
 * thread → completion), and 16 appended before waiting for the last (a pipelined batch sharing one
 * write, per entry).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpLogAppendBench {

    private Path dir;
    private OpLog log;
    private LogEntry[] entries;
    private int next;

    @Setup(Level.Trial)
    public void start() throws IOException {
        dir = Files.createTempDirectory("nundb-jmh-oplog");
        log = new OpLog(dir, OpLogOptions.defaults().withFsync(FsyncPolicy.INTERVAL));
        log.start(0, List.of());
        entries = new LogEntry[1000];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = LogEntry.put("bench", "key" + i, i, "v".repeat(32));
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        log.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private LogEntry nextEntry() {
        next = (next + 1) % entries.length;
        return entries[next];
    }

    @Benchmark
    public Long appendOneAndWait() {
        return log.append(nextEntry()).join();
    }

    @Benchmark
    @OperationsPerInvocation(16)
    public Long appendSixteenAndWait() {
        CompletableFuture<Long> last = null;
        for (int i = 0; i < 16; i++) {
            last = log.append(nextEntry());
        }
        return last.join();
    }

    /**
     * The write path's {@link OpLog#append(LogEntry, io.nundb.storage.Journal.Stored)}: no future
     * per entry; waits for the 16th as {@code join()} would (parked, woken by the completing thread).
     */
    @Benchmark
    @OperationsPerInvocation(16)
    public long appendSixteenStored() {
        long target = stored.count + 16;
        stored.waiter = Thread.currentThread();
        stored.target = target;
        for (int i = 0; i < 16; i++) {
            log.append(nextEntry(), stored);
        }
        while (stored.done < target) {
            LockSupport.park(stored);
        }
        stored.count = target;
        return stored.last;
    }

    private final Counting stored = new Counting();

    /** Counts the entries the op log reported stored (on its threads) and wakes the bench at its target. */
    private static final class Counting implements io.nundb.storage.Journal.Stored {
        volatile Thread waiter;
        volatile long done;
        volatile long last;
        volatile long target;
        long count;

        @Override
        public void stored(LogEntry stamped, Throwable failure) {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            last = stamped.index();
            long now = ++done; // completions come in index order, one at a time
            if (now >= target) {
                LockSupport.unpark(waiter);
            }
        }
    }
}
