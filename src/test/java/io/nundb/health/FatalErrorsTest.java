package io.nundb.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which failures stop the node, and that stopping means going down and exiting, once. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FatalErrorsTest {

    private final AtomicInteger downs = new AtomicInteger();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final FatalErrors fatal = new FatalErrors(downs::incrementAndGet, exits::add);

    /** Runs a thread that dies of {@code cause} (a RuntimeException or an Error). */
    private void die(String threadName, Throwable cause) throws InterruptedException {
        Thread t = new Thread(
                () -> {
                    if (cause instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) cause;
                },
                threadName);
        t.setUncaughtExceptionHandler(fatal);
        t.start();
        t.join();
    }

    @Test
    void theDeathOfAnEssentialThreadTakesTheNodeDownAndExits() throws InterruptedException {
        die("nundb-oplog-writer", new IllegalStateException("disk gone"));
        assertThat(downs.get()).isEqualTo(1);
        assertThat(exits).containsExactly(FatalErrors.EXIT_CODE);
    }

    @Test
    void anOutOfMemoryErrorOnAnyThreadTakesTheNodeDownOnce() throws InterruptedException {
        die("reactor-http-nio-3", new OutOfMemoryError("Java heap space"));
        die("some-pool-1", new OutOfMemoryError("Java heap space"));
        assertThat(downs.get()).isEqualTo(1);
        assertThat(exits).containsExactly(FatalErrors.EXIT_CODE);
    }

    @Test
    void anExceptionOnAnOrdinaryThreadIsOnlyLogged() throws InterruptedException {
        die("worker-7", new IllegalArgumentException("bad"));
        assertThat(downs.get()).isZero();
        assertThat(exits).isEmpty();
        assertThat(FatalErrors.report("handler", new IllegalArgumentException("client error")))
                .isFalse();
    }
}
