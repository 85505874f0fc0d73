package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Raft thread's turn: tasks run one at a time, on it or, when it is idle, on their caller. */
@Timeout(30)
class RaftThreadTest {

    private final RaftThread raft = new RaftThread("t", null);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        raft.close();
    }

    @Test
    void anIdleThreadLetsTheCallerRunTheTaskItself() {
        Thread caller = Thread.currentThread();
        assertThat(raft.runHereIfIdle(() -> Thread.currentThread() == caller)).isTrue();
        assertThat(raft.runHereIfIdle(() -> false)).as("the task declined").isFalse();
        assertThat(raft.runHereIfIdle(() -> {
                    throw new IllegalStateException("logged, not thrown at the caller");
                }))
                .isTrue();
        assertThat(raft.runHereIfIdle(() -> true)).as("the turn was given back").isTrue();
    }

    @Test
    void aTaskPostedEarlierRunsFirst() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        raft.execute(() -> {
            started.countDown();
            await(release);
            ran.add("posted first");
        });
        raft.execute(() -> ran.add("posted second"));
        started.await(5, TimeUnit.SECONDS);

        assertThat(raft.runHereIfIdle(() -> ran.add("here"))).isFalse();
        raft.execute(() -> ran.add("posted third"));
        release.countDown();
        CountDownLatch done = new CountDownLatch(1);
        raft.execute(done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("posted first", "posted second", "posted third");

        assertThat(raft.runHereIfIdle(() -> ran.add("here"))).as("idle again").isTrue();
    }

    @Test
    void aRunningTimerHoldsTheTurn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        raft.schedule(0, () -> {
            started.countDown();
            await(release);
            ran.add("timer");
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(raft.runHereIfIdle(() -> ran.add("here"))).isFalse();
        release.countDown();
        CountDownLatch done = new CountDownLatch(1);
        raft.execute(done::countDown);
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(raft.runHereIfIdle(() -> ran.add("here"))).isTrue();
        assertThat(ran).containsExactly("timer", "here");
    }

    @Test
    void aClosedThreadRunsNothing() {
        raft.close();
        assertThat(raft.runHereIfIdle(() -> ran.add("here"))).isFalse();
        raft.execute(() -> ran.add("posted"));
        assertThat(ran).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
