package io.nundb.transport.ws;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.Queue;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The WebSocket outboxes of one event loop that have something to write. A change fanned out to
 * thousands of watchers then costs the writer's thread one task (and at most one wake-up) per
 * event loop instead of one per watcher; the loop drains them in one pass. Any thread requests;
 * {@link #run} runs on the event loop.
 */
final class LoopDrains {

    /** Outboxes drained per task before the loop gets back to its sockets' reads. */
    private static final int MAX_PER_TASK = 4096;

    /** Weak keys: a loop that is shut down (tests start many) is forgotten; values never hold their key. */
    private static final Map<EventLoop, LoopDrains> BY_LOOP = new WeakHashMap<>();

    private final Queue<WsOutbox> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable runTask = this::run;

    private LoopDrains() {}

    /** The one instance of {@code loop} (looked up once per connection). */
    static LoopDrains of(EventLoop loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, l -> new LoopDrains());
        }
    }

    /** {@code outbox} (whose channel runs on this loop) has messages: drain it soon. Never blocks. */
    void request(WsOutbox outbox, EventLoop loop) {
        pending.add(outbox);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(runTask);
        }
    }

    private void run() {
        // cleared first: a request racing this pass schedules the next one
        scheduled.set(false);
        EventLoop loop = null;
        for (int i = 0; i < MAX_PER_TASK; i++) {
            WsOutbox o = pending.poll();
            if (o == null) {
                return;
            }
            loop = o.eventLoop();
            o.drain();
        }
        if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) {
            loop.execute(runTask);
        }
    }
}
