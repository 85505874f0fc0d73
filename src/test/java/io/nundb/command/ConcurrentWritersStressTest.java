package io.nundb.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.TestEngine.Client;
import io.nundb.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writers race set, set-safe and increment on one key: a watcher must see every accepted version
 * exactly once, in strictly increasing order, each with the value it was written with (compatibility
 * B.8, B.10).
 */
class ConcurrentWritersStressTest {

    private static final int THREADS = 6;
    private static final int OPS_PER_THREAD = 3_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWatcherSeesEveryVersionOnceAndInOrder() throws Exception {
        TestEngine engine = new TestEngine();
        engine.adminOn("race", "none").expect("set k 0", "ok \n");
        Client watcher = engine.tokenClient("race");
        watcher.expect("watch k", "ok \n");
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger increments = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Client writer = engine.tokenClient("race");
            futures.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    Response r;
                    switch (rnd.nextInt(3)) {
                        case 0 -> r = writer.run("set k " + rnd.nextInt(1000));
                        case 1 -> {
                            String version =
                                    writer.run("get-safe k").messages().get(0).split(" ")[1];
                            r = writer.run("set-safe k " + version + " " + rnd.nextInt(1000));
                        }
                        default -> {
                            r = writer.run("increment k " + (rnd.nextInt(5) + 1));
                            if (r.isOk()) {
                                increments.incrementAndGet();
                            }
                        }
                    }
                    if (r.isOk()) {
                        accepted.incrementAndGet();
                    } else {
                        assertThat(r.error()).isEqualTo(Response.INVALID_VERSION);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(50, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> seen = watcher.outbox.snapshot();
        assertThat(seen).hasSize(2 * accepted.get());
        int lastVersion = 0;
        String lastValue = "0";
        for (int i = 0; i < seen.size(); i += 2) {
            String[] changed = seen.get(i).trim().split(" ");
            String[] versioned = seen.get(i + 1).trim().split(" ");
            assertThat(changed[0]).isEqualTo("changed");
            assertThat(versioned[0]).isEqualTo("changed-version");
            int version = Integer.parseInt(versioned[2]);
            assertThat(version).as("version after %d", lastVersion).isEqualTo(lastVersion + 1);
            assertThat(versioned[3]).isEqualTo(changed[2]);
            lastVersion = version;
            lastValue = versioned[3];
        }
        assertThat(lastVersion).isEqualTo(accepted.get());
        assertThat(increments.get()).isPositive();
        watcher.expect("get-safe k", "value-version " + lastVersion + " " + lastValue + "\n", "ok \n");
    }

    /** Racing conflicting writes on an arbiter db form one chain: each record points to the one before. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racingConflictsChainInOrder() throws Exception {
        TestEngine engine = new TestEngine();
        Client admin = engine.adminOn("arb", "arbiter");
        admin.expect("set-safe k 1 start", "ok \n");
        Client arbiter = engine.tokenClient("arb");
        arbiter.expect("arbiter", "ok \n");
        int threads = 4;
        int perThread = 50;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Client writer = engine.tokenClient("arb");
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    assertThat(writer.send("set-safe k 0 w" + id + "-" + i))
                            .startsWith("error $$conflitct unresolved $conflicts_k_");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(50, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> requests = arbiter.pushed();
        assertThat(requests).hasSize(threads * perThread);
        String previousRecord = null;
        for (int i = 0; i < requests.size(); i++) {
            // resolve <opp_id> <db> <ver> <key> <prev> <new>
            String[] p = requests.get(i).trim().split(" ");
            if (i == 0) {
                assertThat(p[3]).isEqualTo("2");
                assertThat(p[5]).isEqualTo("start");
            } else {
                assertThat(p[3]).isEqualTo(Integer.toString(i));
                assertThat(p[5]).isEqualTo(previousRecord);
            }
            previousRecord = "$conflicts_k_" + p[1];
        }
        for (int i = 0; i < requests.size(); i++) {
            String[] p = requests.get(i).trim().split(" ");
            arbiter.expect("resolve " + p[1] + " arb k 2 r" + i, "ok \n");
        }
        admin.expect("get-safe k", "value-version 3 r" + (requests.size() - 1) + "\n", "ok \n");
    }

    /** A connection closing while its use-db runs is never left counted in $connections (B.12). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeRacingUseDbLeavesNoConnectionCounted() throws Exception {
        TestEngine engine = new TestEngine();
        engine.adminOn("db", "none").close();
        Client watcherOfNothing = engine.client();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int i = 0; i < 2000; i++) {
            Client c = engine.client();
            CountDownLatch go = new CountDownLatch(1);
            Future<?> use = pool.submit(() -> {
                go.await();
                return c.send("use-db db db-pwd");
            });
            Future<?> close = pool.submit(() -> {
                go.await();
                c.close();
                return null;
            });
            go.countDown();
            use.get(5, TimeUnit.SECONDS);
            close.get(5, TimeUnit.SECONDS);
        }
        pool.shutdown();
        watcherOfNothing.expect("use-db db db-pwd", "ok \n");
        watcherOfNothing.expect("get $connections", "value 1\n", "ok \n");
    }
}
