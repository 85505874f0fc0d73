package io.nundb.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.Notification;
import io.nundb.watch.OutboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** A connection's bounded outbox; draining and cutting off happen on the connection's event loop. */
final class ChannelOutbox extends BoundedOutbox {

    /** A change's lines as UTF-8, encoded once and shared by every TCP watcher of the key. */
    private static final Function<Notification, byte[]> LINES = n -> n.text().getBytes(StandardCharsets.UTF_8);

    private final TcpConnection connection;

    ChannelOutbox(OutboxLimits limits, DeliveryStats stats, TcpConnection connection) {
        super(limits, stats);
        this.connection = connection;
    }

    @Override
    protected void scheduleDrain() {
        connection.scheduleDrain();
    }

    @Override
    protected void onOverflow() {
        connection.cutOff();
    }

    /** Appends a polled entry ({@link #pollEntry()}) to {@code out}; returns the bytes written. */
    static int write(ByteBuf out, Object entry) {
        if (entry instanceof Notification n) {
            byte[] lines = n.encoded(LINES);
            out.writeBytes(lines);
            return lines.length;
        }
        return ByteBufUtil.writeUtf8(out, (String) entry);
    }
}
