package io.nundb.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.VersionedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Fan-out of changes to watchers, and the bounded outbox's overflow rule (compatibility B.8). */
class WatchRegistryTest {

    private final DeliveryStats stats = new DeliveryStats();
    private final WatchRegistry registry = new WatchRegistry(stats);

    @Test
    void aChangeReachesEveryWatcherOfThatKeyInThatDb() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        registry.watch("db", "k", a::add);
        registry.watch("db", "k", b::add);
        registry.watch("other", "k", b::add);
        registry.onChange("db", "k", VersionedValue.live("v", 3, 1));
        registry.onChange("db", "j", VersionedValue.live("v", 3, 1));
        registry.onChange("db", "k", VersionedValue.tombstone(4, 2));
        assertThat(a).containsExactly("changed k v\n", "changed-version k 3 v\n", "removed k\n");
        assertThat(b).isEqualTo(a);
        assertThat(stats.notificationsSent()).isEqualTo(6);
    }

    @Test
    void unwatchVariants() {
        List<String> a = new ArrayList<>();
        Outbox o = a::add;
        registry.watch("db", "k", o);
        registry.watch("db", "j", o);
        registry.watch("other", "k", o);
        assertThat(registry.activeWatches()).isEqualTo(3);
        registry.unwatch("db", "k", o);
        assertThat(registry.hasWatchers("db", "k")).isFalse();
        registry.unwatchAll("db", o);
        assertThat(registry.activeWatches()).isEqualTo(1);
        registry.unwatchEverywhere(o);
        assertThat(registry.activeWatches()).isZero();
        registry.onChange("other", "k", VersionedValue.live("v", 0, 1));
        assertThat(a).isEmpty();
    }

    @Test
    void pushCountsDeliveries() {
        registry.watch("db", "$conflicts", m -> true);
        registry.watch("db", "$conflicts", m -> false);
        assertThat(registry.push("db", "$conflicts", "resolve …\n")).isEqualTo(1);
        assertThat(registry.push("db", "nobody", "x")).isZero();
    }

    @Test
    void aFullOutboxClosesOnceAndCountsTheSlowConsumer() {
        TestOutbox outbox = new TestOutbox(3, stats);
        for (int i = 0; i < 3; i++) {
            assertThat(outbox.offer("m" + i)).isTrue();
        }
        assertThat(outbox.drainsScheduled.get()).isEqualTo(1);
        assertThat(outbox.offer("too many")).isFalse();
        assertThat(outbox.offer("still too many")).isFalse();
        assertThat(outbox.overflows.get()).isEqualTo(1);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(stats.slowConsumersDisconnected()).isEqualTo(1);
        assertThat(stats.notificationsDropped()).isEqualTo(1);
    }

    @Test
    void drainingInOrderAndRescheduling() {
        TestOutbox outbox = new TestOutbox(10, stats);
        outbox.offer("a");
        outbox.offer("b");
        assertThat(outbox.poll()).isEqualTo("a");
        assertThat(outbox.poll()).isEqualTo("b");
        assertThat(outbox.poll()).isNull();
        outbox.offer("c"); // arrived before drained(): drained() schedules again
        outbox.drained();
        assertThat(outbox.drainsScheduled.get()).isEqualTo(2);
        assertThat(outbox.poll()).isEqualTo("c");
        assertThat(outbox.size()).isZero();
        outbox.close();
        assertThat(outbox.offer("d")).isFalse();
    }

    /** One connection's watch must not be lost while another connection unwatches the same key. */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aWatchSurvivesAConcurrentUnwatchOfTheSameKey() throws Exception {
        AtomicInteger received = new AtomicInteger();
        Outbox mine = m -> {
            received.incrementAndGet();
            return true;
        };
        Outbox other = m -> true;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                registry.watch("db", "k", other);
                registry.unwatch("db", "k", other);
            }
        });
        churn.start();
        try {
            for (int i = 0; i < 100_000; i++) {
                registry.watch("db", "k", mine);
                int before = received.get();
                registry.push("db", "k", "x");
                assertThat(received.get()).as("iteration %d", i).isEqualTo(before + 1);
                registry.unwatch("db", "k", mine);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }

    private static final class TestOutbox extends BoundedOutbox {
        final AtomicInteger drainsScheduled = new AtomicInteger();
        final AtomicInteger overflows = new AtomicInteger();
        final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();

        TestOutbox(int limit, DeliveryStats stats) {
            super(limit, stats);
        }

        @Override
        protected void scheduleDrain() {
            drainsScheduled.incrementAndGet();
        }

        @Override
        protected void onOverflow() {
            overflows.incrementAndGet();
            sent.add(SLOW_CONSUMER);
        }
    }
}
