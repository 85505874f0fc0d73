package io.nundb.health;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure the node cannot recover from into a loud, fast exit instead of a hang: an
 * {@link VirtualMachineError} ({@link OutOfMemoryError} above all) on any thread, or the death of
 * one of the node's own threads (names starting {@value #ESSENTIAL_PREFIX}: the op-log writer and
 * acknowledger, the snapshotter). It logs at ERROR, takes liveness and readiness down, and stops
 * the process with {@value #EXIT_CODE} so the supervisor restarts it from its files. The JVM option
 * {@code -XX:+ExitOnOutOfMemoryError} does the same for an OOM that no handler sees.
 *
 * <p>Installed as the default uncaught-exception handler; transports that catch throwables
 * themselves (Netty handlers) pass them to {@link #report}. Any thread.
 */
public final class FatalErrors implements Thread.UncaughtExceptionHandler {

    public static final String ESSENTIAL_PREFIX = "nundb-";
    public static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);
    private static volatile FatalErrors installed;

    private final Runnable goDown;
    private final IntConsumer exit;
    private final AtomicBoolean fired = new AtomicBoolean();

    /**
     * @param goDown takes liveness and readiness down; must not block
     * @param exit ends the process with the given code
     */
    public FatalErrors(Runnable goDown, IntConsumer exit) {
        this.goDown = goDown;
        this.exit = exit;
    }

    /** Makes this the JVM's default uncaught-exception handler and the target of {@link #report}. */
    public void install() {
        installed = this;
        Thread.setDefaultUncaughtExceptionHandler(this);
    }

    /**
     * For handlers that catch throwables themselves: a fatal one stops the node (when a handler is
     * installed), anything else is left to the caller. Returns true when {@code cause} was fatal.
     */
    public static boolean report(String where, Throwable cause) {
        if (!(cause instanceof VirtualMachineError)) {
            return false;
        }
        FatalErrors handler = installed;
        if (handler != null) {
            handler.fatal(where, cause);
        } else {
            log.error("fatal error in {}", where, cause);
        }
        return true;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable cause) {
        if (cause instanceof VirtualMachineError || thread.getName().startsWith(ESSENTIAL_PREFIX)) {
            fatal("thread " + thread.getName(), cause);
        } else {
            log.error("uncaught exception in thread {}", thread.getName(), cause);
        }
    }

    /** Logs, goes down and exits; only the first call acts. */
    public void fatal(String where, Throwable cause) {
        if (!fired.compareAndSet(false, true)) {
            return;
        }
        try {
            log.error(
                    "FATAL: {} failed with {}; the node stops (exit {}) for its supervisor to restart it",
                    where,
                    cause.toString(),
                    EXIT_CODE,
                    cause);
        } catch (Throwable logFailed) { // NOPMD: out of memory may fail the logging too; exit anyway
            // nothing more can be said
        }
        try {
            goDown.run();
        } finally {
            exit.accept(EXIT_CODE);
        }
    }

    public boolean hasFired() {
        return fired.get();
    }
}
