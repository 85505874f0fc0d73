package io.nundb.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends a phase that hangs (a server that never answers would block a read forever): past its
 * deadline every open connection is closed, so the phase fails with an I/O error and the bench
 * goes on to the next one.
 */
final class Watchdog implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> alarm;
    private final AtomicBoolean fired = new AtomicBoolean();

    private Watchdog(long timeoutMillis) {
        this.alarm = TIMER.schedule(
                () -> {
                    fired.set(true);
                    Connection.closeAll();
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    }

    static Watchdog arm(long timeoutMillis) {
        return new Watchdog(timeoutMillis);
    }

    /** Whether the deadline passed and the connections were closed. */
    boolean fired() {
        return fired.get();
    }

    @Override
    public void close() {
        alarm.cancel(false);
    }
}
