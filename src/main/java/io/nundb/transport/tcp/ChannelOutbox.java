package io.nundb.transport.tcp;

import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;

/** A connection's bounded outbox; draining and cutting off happen on the connection's event loop. */
final class ChannelOutbox extends BoundedOutbox {

    private final TcpConnection connection;

    ChannelOutbox(int limit, DeliveryStats stats, TcpConnection connection) {
        super(limit, stats);
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
