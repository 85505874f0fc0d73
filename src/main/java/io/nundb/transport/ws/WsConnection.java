package io.nundb.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.Response;
import io.nundb.protocol.StrictUtf8;
import io.nundb.transport.ClientAddress;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One WebSocket client: its session, its outbox and the order of its replies. */
final class WsConnection {

    static final String BINARY_FRAME = "binary frames are not supported: send commands as text frames";
    static final String RSV_BITS = "frame with RSV bits set: no WebSocket extension is in use; nothing was run";

    private final CommandExecutor executor;
    private final int maxFrameLength;
    private final WsOutbox outbox;
    private final Session session;
    private final ReplySequencer replies;

    WsConnection(
            Channel channel,
            CommandExecutor executor,
            OutboxLimits outboxLimits,
            int maxFrameLength,
            DeliveryStats stats) {
        this.executor = executor;
        this.maxFrameLength = maxFrameLength;
        this.outbox = new WsOutbox(channel, outboxLimits, stats);
        this.session = new Session("ws", outbox, ClientAddress.of(channel.remoteAddress()));
        this.replies = new ReplySequencer(outbox);
    }

    WsOutbox outbox() {
        return outbox;
    }

    /** Handles one complete (aggregated) frame; called on the event loop, in arrival order. */
    void onFrame(WebSocketFrame frame) {
        if (frame.rsv() != 0) {
            // no extension is ever negotiated, so RSV bits are a protocol error: nothing runs
            reject(RSV_BITS);
            return;
        }
        if (frame instanceof TextWebSocketFrame) {
            ByteBuf content = frame.content();
            int length = content.readableBytes();
            if (length > maxFrameLength) {
                reject("frame too large: " + length + " bytes, the limit is " + maxFrameLength);
                return;
            }
            String text = StrictUtf8.decode(content.nioBuffer());
            if (text == null) {
                reject(StrictUtf8.INVALID); // the whole frame, never the part before the bad byte
                return;
            }
            onText(text);
        } else if (frame instanceof BinaryWebSocketFrame) {
            reject(BINARY_FRAME);
        }
        // Ping, pong and close frames are handled by the server itself.
    }

    void onText(String text) {
        List<String> commands = CommandSplitter.split(text);
        if (commands.isEmpty()) {
            // A blank frame is one empty command (as in NunDB); only empty pieces after a ';' are skipped.
            replies.add(executor.execute(session, ""));
            return;
        }
        for (String command : commands) {
            replies.add(executor.execute(session, command));
        }
    }

    private void reject(String error) {
        replies.add(CompletableFuture.completedFuture(Response.error(error)));
    }

    void close() {
        outbox.close();
        executor.close(session);
    }
}
