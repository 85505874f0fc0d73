package io.nundb.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outbox's byte limits: per connection, node-wide, and what it gives back. */
class BoundedOutboxTest {

    private final DeliveryStats stats = new DeliveryStats();

    @Test
    void aConsumerIsCutOffWhenItsQueuedBytesPassTheLimitLongBeforeTheMessageLimit() {
        TestOutbox outbox = new TestOutbox(new OutboxLimits(10_000, 3_000, ByteBudget.UNLIMITED));
        String mb = "x".repeat(1_000);
        assertThat(outbox.offer(mb)).isTrue();
        assertThat(outbox.offer(mb)).isTrue();
        assertThat(outbox.offer(mb)).isTrue();
        assertThat(outbox.bytes()).isEqualTo(3_000);
        assertThat(outbox.offer("y")).isFalse();
        assertThat(outbox.overflows.get()).isEqualTo(1);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer("z")).isFalse();
        assertThat(outbox.overflows.get()).isEqualTo(1);
        assertThat(stats.slowConsumersDisconnected()).isEqualTo(1);
    }

    @Test
    void oneMessageLargerThanTheLimitPassesOnlyIntoAnEmptyOutbox() {
        TestOutbox outbox = new TestOutbox(new OutboxLimits(100, 100, ByteBudget.UNLIMITED));
        String big = "b".repeat(500);
        assertThat(outbox.offer(big)).isTrue();
        assertThat(outbox.poll()).isEqualTo(big);
        assertThat(outbox.bytes()).isZero();
        assertThat(outbox.offer("small")).isTrue();
        assertThat(outbox.offer(big)).isFalse();
        assertThat(outbox.overflows.get()).isEqualTo(1);
    }

    @Test
    void theNodeWideBudgetIsSharedAndGivenBackOnPollAndClose() {
        ByteBudget total = new ByteBudget(2_500);
        TestOutbox a = new TestOutbox(new OutboxLimits(100, 2_000, total));
        TestOutbox b = new TestOutbox(new OutboxLimits(100, 2_000, total));
        String kb = "k".repeat(1_000);
        assertThat(a.offer(kb)).isTrue();
        assertThat(a.offer(kb)).isTrue();
        assertThat(total.used()).isEqualTo(2_000);
        // b is within its own limit but the node is not: b is the one cut off, a keeps its messages.
        assertThat(b.offer(kb)).isFalse();
        assertThat(b.overflows.get()).isEqualTo(1);
        assertThat(a.isClosed()).isFalse();
        assertThat(total.used()).isEqualTo(2_000);
        a.poll();
        assertThat(total.used()).isEqualTo(1_000);
        a.close();
        assertThat(total.used()).isZero();
        assertThat(a.bytes()).isZero();
        TestOutbox c = new TestOutbox(new OutboxLimits(100, 2_000, total));
        assertThat(c.offer(kb)).isTrue();
        assertThat(c.offer(kb)).isTrue();
    }

    @Test
    void aNotificationIsOneEntryWhoseMessagesCountOneByOneInTheLimits() {
        ByteBudget total = new ByteBudget(10_000);
        TestOutbox outbox = new TestOutbox(new OutboxLimits(5, 10_000, total));
        Notification change = Notification.of("changed k v\n", "changed-version k 2 v\n");
        assertThat(outbox.offer(change)).isTrue();
        assertThat(outbox.offer(change)).isTrue();
        assertThat(outbox.size()).isEqualTo(4);
        assertThat(outbox.bytes()).isEqualTo(2 * change.weight());
        assertThat(total.used()).isEqualTo(2 * change.weight());
        // 4 + 2 messages would pass the limit of 5: the consumer is cut off as before
        assertThat(outbox.offer(change)).isFalse();
        assertThat(outbox.overflows.get()).isEqualTo(1);
        assertThat(outbox.pollEntry()).isSameAs(change);
        assertThat(outbox.size()).isEqualTo(2);
        outbox.close();
        assertThat(total.used()).isZero();
    }

    @Test
    void pollGivesANotificationsMessagesAsText() {
        TestOutbox outbox = new TestOutbox(OutboxLimits.messages(10));
        assertThat(outbox.offer("ok\n")).isTrue();
        assertThat(outbox.offer(Notification.of("a\n", "b\n"))).isTrue();
        assertThat(outbox.poll()).isEqualTo("ok\n");
        assertThat(outbox.poll()).isEqualTo("a\nb\n");
        assertThat(outbox.poll()).isNull();
        assertThat(outbox.size()).isZero();
    }

    @Test
    void aNotificationIsEncodedOncePerEncoderAndShared() {
        Notification change = Notification.of("changed k v\n");
        AtomicInteger calls = new AtomicInteger();
        java.util.function.Function<Notification, String> upper = n -> {
            calls.incrementAndGet();
            return n.text().toUpperCase(java.util.Locale.ROOT);
        };
        java.util.function.Function<Notification, Integer> length =
                n -> n.text().length();
        String first = change.encoded(upper);
        assertThat(change.encoded(upper)).isSameAs(first).isEqualTo("CHANGED K V\n");
        assertThat(change.encoded(length)).isEqualTo(12);
        assertThat(change.encoded(upper)).isSameAs(first);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aPlainOutboxGetsANotificationsMessagesOneByOneAndStopsAtTheFirstRefusal() {
        java.util.List<String> got = new java.util.ArrayList<>();
        Outbox oneOnly = m -> got.isEmpty() && got.add(m);
        assertThat(oneOnly.offer(Notification.of("a\n", "b\n"))).isFalse();
        assertThat(got).containsExactly("a\n");
    }

    @Test
    void budgetRefusesWhatWouldPassItsLimit() {
        ByteBudget budget = new ByteBudget(10);
        assertThat(budget.tryReserve(6)).isTrue();
        assertThat(budget.tryReserve(5)).isFalse();
        assertThat(budget.used()).isEqualTo(6);
        budget.release(6);
        assertThat(budget.tryReserve(10)).isTrue();
    }

    private final class TestOutbox extends BoundedOutbox {
        final AtomicInteger overflows = new AtomicInteger();

        TestOutbox(OutboxLimits limits) {
            super(limits, stats);
        }

        @Override
        protected void scheduleDrain() {
            // the test polls by hand
        }

        @Override
        protected void onOverflow() {
            overflows.incrementAndGet();
        }
    }
}
