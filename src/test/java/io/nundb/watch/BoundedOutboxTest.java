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
