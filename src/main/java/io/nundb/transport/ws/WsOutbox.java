package io.nundb.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;

/**
 * A WebSocket connection's outbound buffer: drained on the channel's event loop, one text frame
 * per message, and only while the socket is writable, so a slow reader fills this bounded buffer
 * (and is cut off) instead of Netty's unbounded one.
 */
final class WsOutbox extends BoundedOutbox {

    private static final int FLUSH_EVERY = 64;

    private final Channel channel;

    WsOutbox(Channel channel, OutboxLimits limits, DeliveryStats stats) {
        super(limits, stats);
        this.channel = channel;
    }

    @Override
    protected void scheduleDrain() {
        channel.eventLoop().execute(this::drain);
    }

    /** Also called by the pipeline when the socket becomes writable again. */
    void drain() {
        if (!channel.isActive()) {
            close();
            return;
        }
        int written = 0;
        while (channel.isWritable()) {
            String m = poll();
            if (m == null) {
                channel.flush();
                drained();
                return;
            }
            channel.write(new TextWebSocketFrame(m), channel.voidPromise());
            if (++written % FLUSH_EVERY == 0) {
                channel.flush();
            }
        }
        // Not writable: keep the drain flag set; the writability event resumes draining.
        channel.flush();
    }

    @Override
    protected void onOverflow() {
        channel.eventLoop().execute(() -> {
            channel.write(new TextWebSocketFrame(SLOW_CONSUMER), channel.voidPromise());
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "slow consumer"))
                    .addListener(ChannelFutureListener.CLOSE);
        });
    }
}
