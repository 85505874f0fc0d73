package io.nundb.transport.rsocket;

import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import io.rsocket.DuplexConnection;
import io.rsocket.plugins.DuplexConnectionInterceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds the bytes RSocket queues for one connection to {@link #perConnection} (and all connections
 * to the node-wide budget): RSocket keeps every frame a stream emits in an unbounded queue until the
 * socket takes it, so a client that asks for every event of a watch and stops reading would
 * otherwise grow the heap without bound. Wraps each transport connection, TCP and WebSocket alike,
 * in a {@link LimitedConnection}. Runs on whichever thread RSocket calls it from.
 */
public final class OutboundLimit implements DuplexConnectionInterceptor {

    /** How long a cut-off client has to read the error frames before the connection is closed. */
    static final Duration CUT_OFF_GRACE = Duration.ofSeconds(5);

    private final OutboxLimits limits;
    private final DeliveryStats stats;
    private final Duration grace;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public OutboundLimit(OutboxLimits limits, DeliveryStats stats) {
        this(limits, stats, CUT_OFF_GRACE);
    }

    OutboundLimit(OutboxLimits limits, DeliveryStats stats, Duration grace) {
        this.limits = limits;
        this.stats = stats;
        this.grace = grace;
    }

    @Override
    public DuplexConnection apply(Type type, DuplexConnection connection) {
        return type == Type.SOURCE
                ? new LimitedConnection(connection, perConnection(limits), limits.total(), this, grace)
                : connection;
    }

    /**
     * Frame bytes one connection may have queued: four times {@code NUN_OUTBOX_MAX_BYTES}. A stream
     * whose client asked for a few events at a time holds up to that many chars in our own buffer,
     * and hands all of it to RSocket at once when the client asks for more; as UTF-8 and framed it
     * may take more bytes than chars, and a client that reads must not be cut off for that burst.
     */
    static long perConnection(OutboxLimits limits) {
        return limits.bytes() > Long.MAX_VALUE / BURST ? Long.MAX_VALUE : limits.bytes() * BURST;
    }

    private static final int BURST = 4;

    /** Frame bytes queued by RSocket on all connections, not yet written to their sockets. */
    public long queuedBytes() {
        return queued.get();
    }

    /** The most {@link #queuedBytes} ever reached: what the limit is checked against in tests. */
    public long peakQueuedBytes() {
        return peak.get();
    }

    void queued(long bytes) {
        long now = queued.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
    }

    void written(long bytes) {
        queued.addAndGet(-bytes);
    }

    void cutOff() {
        stats.slowConsumerDisconnected();
    }
}
