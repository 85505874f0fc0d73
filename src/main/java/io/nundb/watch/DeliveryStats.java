package io.nundb.watch;

import java.util.concurrent.atomic.LongAdder;

/** Counters of notification delivery, read by the metrics binders. */
public final class DeliveryStats {

    private final LongAdder notificationsSent = new LongAdder();
    private final LongAdder notificationsDropped = new LongAdder();
    private final LongAdder slowConsumersDisconnected = new LongAdder();

    public void sent(int n) {
        notificationsSent.add(n);
    }

    public void dropped() {
        notificationsDropped.increment();
    }

    public void slowConsumerDisconnected() {
        slowConsumersDisconnected.increment();
    }

    public long notificationsSent() {
        return notificationsSent.sum();
    }

    public long notificationsDropped() {
        return notificationsDropped.sum();
    }

    public long slowConsumersDisconnected() {
        return slowConsumersDisconnected.sum();
    }
}
