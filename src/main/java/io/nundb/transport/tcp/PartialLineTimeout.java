package io.nundb.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a TCP connection that starts a command line and does not finish it within {@code
 * NUN_LINE_TIMEOUT}: a half line holds a descriptor and framer memory for as long as the client
 * likes, and unlike a silent watcher no NunDB client ever leaves one. A connection with nothing
 * pending (a watcher listening) is never touched. Sits in front of {@link TcpConnection} and only
 * looks at where each chunk's last newline is; runs on the channel's event loop.
 */
final class PartialLineTimeout extends ChannelInboundHandlerAdapter {

    static final String CLOSING = "error line not finished within NUN_LINE_TIMEOUT, closing\n";

    private final long timeoutNanos;
    /** When the pending partial line began ({@link System#nanoTime()}), or -1 when none is pending. */
    private long partialSince = -1;

    private ScheduledFuture<?> check;

    PartialLineTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            int lastNewline = bytes.forEachByteDesc(ByteProcessor.FIND_LF);
            if (lastNewline == bytes.writerIndex() - 1) {
                partialSince = -1; // every line of the chunk is complete
            } else if (lastNewline >= 0 || partialSince < 0) {
                partialSince = System.nanoTime(); // a new partial line starts in this chunk
                armCheck(ctx, timeoutNanos);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (check != null) {
            check.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void armCheck(ChannelHandlerContext ctx, long delayNanos) {
        if (check == null || check.isDone()) {
            check = ctx.executor().schedule(() -> expire(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (partialSince < 0 || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // the server stopped reading (back-pressure): the rest of the line may be waiting in
            // the socket, so the client gets a full timeout from when reading resumes at the latest
            partialSince = System.nanoTime();
        }
        long left = partialSince + timeoutNanos - System.nanoTime();
        if (left > 0) {
            check = null;
            armCheck(ctx, left); // the line pending now began after the one this check was for
            return;
        }
        ctx.channel()
                .writeAndFlush(Unpooled.copiedBuffer(CLOSING, StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
