package io.nundb.transport.tcp;

import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;

/** A connection's bounded outbox; draining and cutting off happen on the connection's event loop. */
final class ChannelOutbox extends BoundedOutbox {

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
}
