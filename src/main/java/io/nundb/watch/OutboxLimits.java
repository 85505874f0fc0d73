package io.nundb.watch;

/**
 * The limits of one connection's outbox.
 *
 * @param messages messages queued at most
 * @param bytes chars queued at most ({@link ByteBudget#weight})
 * @param total the node-wide budget every outbox draws from
 */
public record OutboxLimits(int messages, long bytes, ByteBudget total) {

    public OutboxLimits {
        if (messages < 1 || bytes < 1) {
            throw new IllegalArgumentException("outbox limits must be positive: " + messages + ", " + bytes);
        }
    }

    /** Bounded in messages only. */
    public static OutboxLimits messages(int messages) {
        return new OutboxLimits(messages, Long.MAX_VALUE, ByteBudget.UNLIMITED);
    }
}
