package io.nundb.lincheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nundb.lincheck.CheckResult.Verdict;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LinearizabilityCheckerTest {

    private static final Duration TIME = Duration.ofSeconds(20);

    /** A hand-written history: times are explicit. */
    private static final class Hand {
        final History history = new History();
        long ids;

        Hand op(String key, Op op, long call, long ret, Output output) {
            history.add(Operation.completed(++ids, "c" + ids, key, op, call, ret, output));
            return this;
        }

        Hand op(Op op, long call, long ret, Output output) {
            return op("k", op, call, ret, output);
        }

        Hand unknown(Op op, long call) {
            history.add(Operation.unknown(++ids, "c" + ids, "k", op, call));
            return this;
        }

        CheckResult check() {
            return LinearizabilityChecker.check(history, TIME);
        }
    }

    @Test
    void sequentialWritesAndReadsAreLinearizable() {
        CheckResult r = new Hand()
                .op(Op.read(), 0, 1, Output.absent())
                .op(Op.write("a"), 2, 3, Output.done())
                .op(Op.read(), 4, 5, Output.value("a"))
                .op(Op.write("b"), 6, 7, Output.done())
                .op(Op.read(), 8, 9, Output.value("b"))
                .check();
        assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.OK);
    }

    @Test
    void staleReadAfterACompletedWriteIsIllegal() {
        CheckResult r = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.write("b"), 2, 3, Output.done())
                .op(Op.read(), 4, 5, Output.value("a"))
                .check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(r.key()).isEqualTo("k");
        assertThat(r.counterexample()).hasSize(3);
        assertThat(r.description()).contains("write(b)", "read() -> a");
    }

    @Test
    void concurrentWritesMayBeSeenInEitherOrder() {
        // Two readers, each reading twice while both writes are in flight, see opposite orders.
        CheckResult aThenB = new Hand()
                .op(Op.write("a"), 0, 10, Output.done())
                .op(Op.write("b"), 0, 10, Output.done())
                .op(Op.read(), 1, 2, Output.value("a"))
                .op(Op.read(), 3, 4, Output.value("b"))
                .check();
        CheckResult bThenA = new Hand()
                .op(Op.write("a"), 0, 10, Output.done())
                .op(Op.write("b"), 0, 10, Output.done())
                .op(Op.read(), 1, 2, Output.value("b"))
                .op(Op.read(), 3, 4, Output.value("a"))
                .op(Op.read(), 11, 12, Output.value("a"))
                .check();
        assertThat(aThenB.verdict()).isEqualTo(Verdict.OK);
        assertThat(bThenA.verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void seeingAWriteUndoneIsIllegal() {
        CheckResult r = new Hand()
                .op(Op.write("a"), 0, 10, Output.done())
                .op(Op.write("b"), 0, 10, Output.done())
                .op(Op.read(), 1, 2, Output.value("a"))
                .op(Op.read(), 3, 4, Output.value("b"))
                .op(Op.read(), 5, 6, Output.value("a"))
                .check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(r.counterexample()).hasSize(5);
    }

    @Test
    void readOfAValueNeverWrittenIsIllegalAndShrinksToTheRead() {
        Hand h = new Hand();
        for (int i = 0; i < 20; i++) {
            h.op(Op.write("v" + i), 10 * i, 10 * i + 5, Output.done())
                    .op(Op.read(), 10 * i + 6, 10 * i + 7, Output.value("v" + i));
        }
        h.op(Op.read(), 300, 301, Output.value("ghost"));
        CheckResult r = h.check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(r.counterexample())
                .as("reads that are fine are dropped from the witness")
                .noneMatch(o -> o.op() instanceof Op.Read && !"ghost".equals(((Output.Value) o.output()).value()));
        assertThat(r.counterexample()).anyMatch(o -> o.toString().contains("ghost"));
    }

    @Test
    void lostAcknowledgedWriteIsIllegal() {
        CheckResult r = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.read(), 2, 3, Output.absent())
                .check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void anUnknownWriteMayHappenLateOrNeverButNotBeUndone() {
        CheckResult late = new Hand()
                .unknown(Op.write("a"), 0)
                .op(Op.read(), 5, 6, Output.absent())
                .op(Op.read(), 7, 8, Output.value("a"))
                .check();
        CheckResult never = new Hand()
                .unknown(Op.write("a"), 0)
                .op(Op.read(), 5, 6, Output.absent())
                .check();
        CheckResult undone = new Hand()
                .unknown(Op.write("a"), 0)
                .op(Op.read(), 5, 6, Output.value("a"))
                .op(Op.read(), 7, 8, Output.absent())
                .check();
        assertThat(late.verdict()).isEqualTo(Verdict.OK);
        assertThat(never.verdict()).isEqualTo(Verdict.OK);
        assertThat(undone.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aReadCannotSeeAWriteBeforeItsCall() {
        CheckResult r = new Hand()
                .op(Op.read(), 0, 1, Output.value("a"))
                .op(Op.write("a"), 2, 3, Output.done())
                .check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void compareAndSetFollowsTheVersion() {
        CheckResult legal = new Hand()
                .op(Op.write("a"), 0, 1, Output.done()) // version 1
                .op(Op.cas(1, "b"), 2, 3, Output.swapped(true)) // version 2
                .op(Op.cas(1, "c"), 4, 5, Output.swapped(false))
                .op(Op.read(), 6, 7, Output.value("b", 2))
                .check();
        CheckResult twoWinners = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.cas(1, "b"), 2, 10, Output.swapped(true))
                .op(Op.cas(1, "c"), 2, 10, Output.swapped(true))
                .check();
        CheckResult wrongVersion = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.read(), 2, 3, Output.value("a", 5))
                .check();
        assertThat(legal.verdict()).as(legal.toString()).isEqualTo(Verdict.OK);
        assertThat(twoWinners.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(wrongVersion.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void removeMakesTheKeyAbsent() {
        CheckResult legal = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.remove(), 2, 3, Output.done())
                .op(Op.read(), 4, 5, Output.absent())
                .check();
        CheckResult resurrected = new Hand()
                .op(Op.write("a"), 0, 1, Output.done())
                .op(Op.remove(), 2, 3, Output.done())
                .op(Op.read(), 4, 5, Output.value("a"))
                .check();
        assertThat(legal.verdict()).isEqualTo(Verdict.OK);
        assertThat(resurrected.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void keysAreCheckedIndependentlyAndTheIllegalOneIsNamed() {
        CheckResult r = new Hand()
                .op("x", Op.write("a"), 0, 1, Output.done())
                .op("y", Op.read(), 2, 3, Output.value("a"))
                .op("x", Op.read(), 4, 5, Output.value("a"))
                .check();
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(r.key()).isEqualTo("y");
        assertThat(r.counterexample()).hasSize(1);
    }

    @Test
    void theRecorderDropsDefiniteFailuresAndKeepsUnknownsOpen() {
        History h = new History();
        long failed = h.invoke("c1", "k", Op.write("a"));
        h.fail(failed);
        long read = h.invoke("c2", "k", Op.read());
        h.ok(read, Output.absent());
        long lost = h.invoke("c1", "k", Op.write("b"));
        h.unknown(lost);
        long never = h.invoke("c3", "k", Op.write("c"));
        assertThat(h.operations()).extracting(Operation::id).containsExactly(read, lost, never);
        assertThat(h.operations().get(1).ret()).isEqualTo(Operation.NEVER);
        assertThat(LinearizabilityChecker.check(h, TIME).verdict()).isEqualTo(Verdict.OK);
        long sawFailed = h.invoke("c2", "k", Op.read());
        h.ok(sawFailed, Output.value("a"));
        assertThat(LinearizabilityChecker.check(h, TIME).verdict())
                .as("a refused write was never there")
                .isEqualTo(Verdict.ILLEGAL);
        assertThatThrownBy(() -> h.ok(read, Output.absent())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> h.ok(42, Output.absent())).hasMessageContaining("no operation 42");
        assertThatThrownBy(() -> h.ok(never, Output.swapped(true))).hasMessageContaining("does not answer");
    }

    @Test
    void theRecorderIsSafeFromManyThreads() throws Exception {
        History h = new History();
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            String client = "c" + t;
            new Thread(() -> {
                        for (int i = 0; i < 1000; i++) {
                            h.ok(h.invoke(client, client, Op.write(client + i)), Output.done());
                        }
                        done.countDown();
                    })
                    .start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(h.operations()).hasSize(4000);
        assertThat(h.byKey()).hasSize(4);
        assertThat(LinearizabilityChecker.check(h, TIME).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aZeroTimeoutIsATimeoutNotAVerdict() {
        History h = new Hand().op(Op.write("a"), 0, 1, Output.done()).history;
        assertThat(LinearizabilityChecker.check(h, Duration.ZERO).verdict()).isEqualTo(Verdict.TIMEOUT);
        assertThat(LinearizabilityChecker.check(h, TIME).verdict()).isEqualTo(Verdict.OK);
    }

    /**
     * Three clients, 1000 operations each, on 10 keys, from a real sequential execution with
     * overlapping windows and a few unknown outcomes: the checker finishes within its own timeout.
     */
    @Test
    void threeClientsTimesAThousandOpsOnTenKeysFinish() {
        Random random = new Random(7);
        History h = GeneratedHistories.toHistory(GeneratedHistories.concurrentClients(random, 3, 1000, 10, 0.02));
        CheckResult r = LinearizabilityChecker.check(h, Duration.ofSeconds(40));
        assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.OK);
        assertThat(h.operations()).hasSize(3000);
    }

    @Test
    void operationsRejectInconsistentTimes() {
        assertThatThrownBy(() -> Operation.completed(1, "c", "k", Op.read(), 5, 4, Output.absent()))
                .hasMessageContaining("before its call");
        assertThatThrownBy(() -> Operation.completed(1, "c", "k", Op.read(), 5, Operation.NEVER, Output.absent()))
                .hasMessageContaining("unknown outcome");
    }
}
