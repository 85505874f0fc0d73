package io.nundb.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.Notification;
import io.nundb.watch.OutboxLimits;

/**
 * A WebSocket connection's outbound buffer: drained on the channel's event loop, one text frame
 * per message (a change's notification frames are encoded once and shared by all its watchers),
 * and only while the socket is writable, so a slow reader fills this bounded buffer
 * (and is cut off) instead of Netty's unbounded one.
 */
final class WsOutbox extends BoundedOutbox {

    private static final int FLUSH_EVERY = 64;

    /** Initial size of the buffer notifications are gathered in (it grows as needed). */
    private static final int BATCH_SIZE = 256;

    private final Channel channel;
    private final LoopDrains drains;

    WsOutbox(Channel channel, OutboxLimits limits, DeliveryStats stats) {
        super(limits, stats);
        this.channel = channel;
        this.drains = LoopDrains.of(channel.eventLoop());
    }

    @Override
    protected void scheduleDrain() {
        // one task per event loop for all its outboxes with news, not one per watcher
        drains.request(this, channel.eventLoop());
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /**
     * Also called by the pipeline when the socket becomes writable again. Notifications go out as
     * their shared, already framed bytes, gathered into one buffer per batch; replies as frames.
     */
    void drain() {
        if (!channel.isActive()) {
            close();
            return;
        }
        while (true) {
            int written = 0;
            ByteBuf batch = null;
            long room = channel.bytesBeforeUnwritable();
            while (room > 0 && written < FLUSH_EVERY) {
                Object m = pollEntry();
                if (m == null) {
                    write(batch);
                    channel.flush();
                    drained();
                    return;
                }
                written++;
                if (m instanceof Notification n) {
                    byte[] frames = n.encoded(WsFrameBytes.TEXT_FRAMES);
                    if (batch == null) {
                        batch = channel.alloc().buffer(Math.max(frames.length, BATCH_SIZE));
                    }
                    batch.writeBytes(frames);
                    room -= frames.length;
                } else {
                    write(batch);
                    batch = null;
                    channel.write(new TextWebSocketFrame((String) m), channel.voidPromise());
                    room = channel.bytesBeforeUnwritable();
                }
            }
            write(batch);
            channel.flush();
            if (!channel.isWritable()) {
                // Keep the drain flag set: the writability event resumes draining.
                return;
            }
        }
    }

    private void write(ByteBuf batch) {
        if (batch != null) {
            channel.write(batch, channel.voidPromise());
        }
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
