package io.nundb.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.health.FatalErrors;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.watch.BoundedOutbox;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP client: cuts its bytes into command lines, runs them through the executor and writes the
 * replies strictly in command order, interleaved with watch notifications, through one bounded
 * outbox. Everything but {@link #scheduleDrain()} and {@link #cutOff()} runs on the channel's event
 * loop, so the state needs no locks.
 *
 * <p>Back-pressure: reading stops while too many commands are in flight, the outbox is half full or
 * the socket is not writable, and resumes when that clears. A client that pipelines without reading
 * is therefore slowed down by TCP, while a watcher that does not read its notifications fills its
 * outbox and is cut off with {@link BoundedOutbox#SLOW_CONSUMER}.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    /** Commands whose replies may wait for durability at once, per connection. */
    static final int MAX_IN_FLIGHT = 1024;
    /**
     * How long a cut-off client gets, by default, to read what was already handed to the socket and then the
     * {@code slow consumer} line. What waits meanwhile is bounded: the outbox is dropped at the cut,
     * and the socket holds at most its high-water mark plus one message. Short, because a client
     * that does not read holds a file descriptor meanwhile.
     */
    static final long CUT_OFF_GRACE_MILLIS = 5_000;
    /** Lines run per event-loop task before yielding to other connections' tasks. */
    static final int LINES_PER_PASS = 64;
    /** Replies written straight to the socket are flushed within a pass once this many bytes wait. */
    static final int DIRECT_FLUSH_BYTES = 64 * 1024;

    private final CommandExecutor executor;
    private final long cutOffGraceMillis;
    private final LineFramer framer;
    private final ChannelOutbox outbox;
    private final int outboxHighWater;
    private final long outboxHighWaterBytes;
    private final Session session;
    private final ArrayDeque<CompletableFuture<Response>> inFlight = new ArrayDeque<>();
    private final Runnable drainTask = this::drain;
    private final Runnable flushRepliesTask = this::flushReplies;
    /** Set while a flush task is queued: a pipelined batch completing at once wakes the loop once. */
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    /** On the thread that completes a reply (the op-log writer): one object for every command. */
    private final BiConsumer<Response, Throwable> onReplyDone = (r, e) -> {
        if (this.flushQueued.compareAndSet(false, true)) {
            this.ctx.executor().execute(this.flushRepliesTask);
        }
    };

    private final Runnable processTask = this::processLines;
    /**
     * Replies of this event-loop pass written straight into one buffer rather than through the
     * outbox (no queue node, no atomics, no drain task per reply); flushed when the pass ends, so
     * always before the outbox's next drain, which keeps the order. Null between passes.
     */
    private ByteBuf direct;

    private ChannelHandlerContext ctx;
    /** Reading is off: lines wait in the framer until the back-pressure clears. */
    private boolean readPaused;

    private boolean continueScheduled;
    private boolean draining;
    private boolean closing;

    TcpConnection(
            CommandExecutor executor,
            DeliveryStats stats,
            int maxLineLength,
            OutboxLimits outboxLimits,
            String source,
            long cutOffGraceMillis) {
        this.executor = executor;
        this.cutOffGraceMillis = cutOffGraceMillis;
        this.framer = new LineFramer(maxLineLength);
        this.outbox = new ChannelOutbox(outboxLimits, stats, this);
        this.outboxHighWater = Math.max(1, outboxLimits.messages() / 2);
        this.outboxHighWaterBytes = Math.max(1, outboxLimits.bytes() / 2);
        this.session = new Session("tcp", outbox, source);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        outbox.offer(Replies.OK); // NunDB's greeting
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            bytes.release();
            return;
        }
        framer.append(ctx.alloc(), bytes);
        processLines();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        outbox.close();
        inFlight.clear();
        framer.release();
        executor.close(session);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        framer.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (FatalErrors.report("TCP handler of " + session, cause)) {
            ctx.close();
            return;
        }
        if (cause instanceof IOException) {
            log.debug("closing {} after {}", session, cause.toString()); // the client went away
        } else {
            log.warn("closing {} after {}", session, cause.toString());
        }
        ctx.close();
    }

    /**
     * Runs the complete lines received so far, as long as there is room for their replies. At most
     * {@link #LINES_PER_PASS} per event-loop task: a big pipelined read must not flood the outboxes
     * of watchers on the same event loop before their drain tasks get a turn.
     */
    private void processLines() {
        try {
            runLines();
        } finally {
            flushDirect();
        }
    }

    private void runLines() {
        continueScheduled = false;
        int budget = LINES_PER_PASS;
        boolean more = true;
        while (!closing && !backPressured()) {
            if (budget-- == 0) {
                continueScheduled = true;
                ctx.executor().execute(processTask);
                break;
            }
            LineFramer.Frame frame = framer.next();
            if (frame == null) {
                more = false;
                break;
            }
            run(frame);
        }
        boolean pause = !closing && more;
        if (pause != readPaused) {
            readPaused = pause;
            ctx.channel().config().setAutoRead(!pause);
        }
    }

    private boolean backPressured() {
        return inFlight.size() >= MAX_IN_FLIGHT
                || outbox.size() >= outboxHighWater
                || outbox.bytes() >= outboxHighWaterBytes
                || !ctx.channel().isWritable();
    }

    private void run(LineFramer.Frame frame) {
        CompletableFuture<Response> result;
        if (frame instanceof LineFramer.Line line) {
            result = executor.execute(session, line.text());
        } else if (frame instanceof LineFramer.TooLong) {
            result = CompletableFuture.completedFuture(
                    Response.error("line too long (limit " + framer.maxLength() + " bytes)"));
        } else {
            result = CompletableFuture.completedFuture(Response.error("invalid UTF-8"));
        }
        // Read isDone once: a write can complete on the op-log thread between two reads, and a
        // reply queued as "not done" must always get its flush, or the client waits forever.
        boolean done = result.isDone();
        if (inFlight.isEmpty() && done) {
            reply(result);
            return;
        }
        inFlight.add(result);
        if (!done) {
            result.whenComplete(onReplyDone);
        }
    }

    /** Sends the replies of the commands that are done, up to the first one still waiting. */
    private void flushReplies() {
        // cleared before looking, so a completion racing this flush queues another one
        flushQueued.set(false);
        try {
            while (!closing && !inFlight.isEmpty() && inFlight.peek().isDone()) {
                reply(inFlight.poll());
            }
        } finally {
            flushDirect();
        }
        if (readPaused && !continueScheduled) {
            processLines();
        }
    }

    private void reply(CompletableFuture<Response> result) {
        Response response = responseOf(result);
        if (outbox.size() == 0 && !outbox.isClosed()) {
            // Nothing queued before it (a notification offered before this command completed is
            // queued by now, so it would be seen): the reply may go straight to the socket.
            if (direct == null) {
                direct = ctx.alloc().buffer();
            }
            if (response instanceof Response.Value v && !v.versioned()) {
                // a get: the bytes of Replies.value written in pieces, without building the line
                ByteBufUtil.writeUtf8(direct, Replies.VALUE_PREFIX);
                ByteBufUtil.writeUtf8(direct, v.shown());
                direct.writeByte('\n');
            } else {
                List<String> messages = response.messages();
                for (int i = 0, n = messages.size(); i < n; i++) {
                    ByteBufUtil.writeUtf8(direct, messages.get(i));
                }
            }
            ByteBufUtil.writeUtf8(direct, Replies.terminal(response));
            if (direct.readableBytes() >= DIRECT_FLUSH_BYTES) {
                flushDirect(); // big replies reach the socket now, so its writability holds reading back
            }
            return;
        }
        List<String> messages = response.messages();
        // indexed: an ok without messages (every set) then allocates no iterator
        for (int i = 0, n = messages.size(); i < n; i++) {
            outbox.offer(messages.get(i));
        }
        outbox.offer(Replies.terminal(response));
    }

    /** Sends the replies this pass wrote straight to the socket; on the event loop. */
    private void flushDirect() {
        ByteBuf out = direct;
        if (out != null) {
            direct = null;
            if (closing) {
                out.release();
            } else {
                ctx.writeAndFlush(out, ctx.voidPromise());
            }
        }
    }

    private Response responseOf(CompletableFuture<Response> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            FatalErrors.report("command on " + session, e.getCause());
            log.error("command failed on {}", session, e.getCause());
            return Response.error("internal error");
        }
    }

    /** Any thread: the outbox has something new. */
    void scheduleDrain() {
        ctx.executor().execute(drainTask);
    }

    /**
     * Writes queued messages while the socket takes them, one buffer and one flush per batch. When the socket is
     * full the outbox keeps its "drain scheduled" mark, so the writability event resumes here.
     */
    private void drain() {
        if (draining || outbox.isClosed()) {
            return;
        }
        draining = true;
        try {
            Channel channel = ctx.channel();
            while (true) {
                boolean empty = false;
                // One buffer per batch, not per message; filled until it would make the channel
                // unwritable, as writing the messages one by one would.
                ByteBuf batch = null;
                long room = channel.bytesBeforeUnwritable();
                while (room > 0) {
                    Object message = outbox.pollEntry();
                    if (message == null) {
                        empty = true;
                        break;
                    }
                    if (batch == null) {
                        batch = ctx.alloc().buffer();
                    }
                    room -= ChannelOutbox.write(batch, message);
                }
                if (batch != null) {
                    ctx.writeAndFlush(batch, ctx.voidPromise());
                }
                if (empty) {
                    outbox.drained();
                    break;
                }
                if (!channel.isWritable()) {
                    break; // channelWritabilityChanged calls back when the client has read
                }
            }
        } finally {
            draining = false;
        }
        if (readPaused && !continueScheduled) {
            processLines();
        }
    }

    /**
     * The client did not read the slow-consumer line within the grace period. A reset (linger 0),
     * not a normal close: the client must not mistake a line cut in the middle for a clean end.
     */
    private static void reset(Channel channel) {
        if (channel.isActive()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }
    }

    /**
     * Any thread: the outbox overflowed (it is already closed to new messages). Tell the client why
     * and close; a client that never reads gets a bounded grace period, not an open socket forever.
     */
    void cutOff() {
        ctx.executor().execute(() -> {
            if (closing) {
                return;
            }
            closing = true;
            outbox.close();
            inFlight.clear();
            Channel channel = ctx.channel();
            channel.config().setAutoRead(false);
            log.warn("{} cut off: outbound buffer full (slow consumer)", session);
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), BoundedOutbox.SLOW_CONSUMER))
                    .addListener(ChannelFutureListener.CLOSE);
            ctx.executor().schedule(() -> reset(channel), cutOffGraceMillis, TimeUnit.MILLISECONDS);
        });
    }
}
