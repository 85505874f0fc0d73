package io.nundb.transport.rsocket;

import io.nundb.transport.ConnectionBudget;
import io.nundb.watch.OutboxLimits;

/**
 * The per-connection limits the RSocket door needs from the configuration.
 *
 * @param outbox the bounds of pushed messages and replies
 * @param maxCommandLength longest accepted {@code command} payload, in chars: the value/line limit
 * @param connections the doors' shared connection budget ({@code NUN_MAX_CONNECTIONS}); a connection
 *     it refuses is refused at SETUP with {@code too many connections}
 */
public record RSocketLimits(OutboxLimits outbox, int maxCommandLength, ConnectionBudget connections) {

    /** Without a connection limit. */
    public RSocketLimits(OutboxLimits outbox, int maxCommandLength) {
        this(outbox, maxCommandLength, ConnectionBudget.perDoor(Integer.MAX_VALUE));
    }

    /** Room for routing and setup metadata next to a payload of the value/line limit. */
    static final int METADATA_ALLOWANCE = 16 * 1024;

    /** RSocket's largest frame (a 24-bit length); its payload limit may not be lower. */
    static final int MAX_FRAME_LENGTH = 0xFF_FFFF;

    /**
     * The largest reassembled payload RSocket accepts: the value/line limit plus metadata, but not
     * below the transport's frame length, which RSocket requires. The {@code command} route then
     * holds each payload to the value/line limit itself.
     */
    public static int maxPayload(int maxLineLength) {
        long wanted = (long) maxLineLength + METADATA_ALLOWANCE;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(MAX_FRAME_LENGTH, wanted));
    }
}
