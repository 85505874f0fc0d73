package io.nundb.transport.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.nundb.watch.ByteBudget;
import io.rsocket.DuplexConnection;
import io.rsocket.RSocketErrorException;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.frame.ErrorFrameCodec;
import io.rsocket.frame.FrameHeaderCodec;
import io.rsocket.frame.FrameType;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One RSocket transport connection whose queued outbound bytes are bounded. Every frame handed to
 * the transport is counted until Netty releases it, which it does once the frame is written to the
 * socket (or dropped at the close): that covers RSocket's own unbounded send queue and Netty's
 * outbound buffer. A frame that would take the connection past its limit ({@link
 * OutboundLimit#perConnection}; one frame always passes on an empty queue), or that the node-wide
 * budget cannot hold, cuts the connection off: that frame and every later one are dropped, each
 * stream the client opened gets an ERROR frame carrying {@link #SLOW_CONSUMER} after what was
 * already queued, then the connection gets a connection ERROR frame with the same payload, and
 * RSocket closes it once that is written; a client that does not read it within the grace period
 * is disconnected all the same.
 *
 * <p>{@link #sendFrame} runs on any thread RSocket emits from (queueing is synchronized here, so an
 * error frame never overtakes a data frame of its stream); {@link #written} on the Netty event
 * loop; the close after the grace period on Reactor's parallel scheduler.
 */
final class LimitedConnection implements DuplexConnection {

    /** The payload of the ERROR frame each open stream gets at a cut-off. */
    static final String SLOW_CONSUMER =
            "{\"code\":\"TOO_LARGE\",\"message\":\"slow consumer: outbound buffer full, closing connection\"}";

    private final DuplexConnection delegate;
    private final long limit;
    private final ByteBudget total;
    private final OutboundLimit node;
    private final Duration grace;
    private final AtomicLong pending = new AtomicLong();
    /** Streams the client opened that the server has not ended yet. */
    private final Set<Integer> open = ConcurrentHashMap.newKeySet();

    private volatile boolean cutOff;

    LimitedConnection(DuplexConnection delegate, long limit, ByteBudget total, OutboundLimit node, Duration grace) {
        this.delegate = delegate;
        this.limit = limit;
        this.total = total;
        this.node = node;
        this.grace = grace;
    }

    @Override
    public void sendFrame(int streamId, ByteBuf frame) {
        if (queue(streamId, frame)) {
            // outside the lock: RSocket may close the connection on this thread, and its cleanup
            // cancels streams whose emitters may be waiting for this lock. No frame can follow
            // anyway: the cut-off is decided.
            delegate.sendErrorAndClose(new ConnectionErrorException(SLOW_CONSUMER));
            // not on this thread, which may be Netty's write path
            Schedulers.parallel().schedule(delegate::dispose, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Queues the frame, or drops it; true when it cut the connection off. */
    private synchronized boolean queue(int streamId, ByteBuf frame) {
        if (cutOff) {
            frame.release();
            return false;
        }
        int size = frame.readableBytes();
        long queued = pending.get();
        if ((queued + size > limit && queued > 0) || !total.tryReserve(size)) {
            frame.release();
            cutOff();
            return true;
        }
        int type = type(frame);
        if (type == FrameType.ERROR.getEncodedType()
                || (type == FrameType.PAYLOAD.getEncodedType() && (flags(frame) & FrameHeaderCodec.FLAGS_C) != 0)) {
            open.remove(streamId);
        }
        send(streamId, frame, true);
        return false;
    }

    private void send(int streamId, ByteBuf frame, boolean budgeted) {
        int size = frame.readableBytes();
        pending.addAndGet(size);
        node.queued(size);
        delegate.sendFrame(streamId, new CountedFrame(frame, size, budgeted, this));
    }

    /** Netty released a frame: it is on the socket, or the connection is gone. */
    void written(int size, boolean budgeted) {
        if (budgeted) {
            total.release(size);
        }
        node.written(size);
        pending.addAndGet(-size);
    }

    /** Ends every open stream after what is queued; the caller then ends the connection. */
    private void cutOff() {
        cutOff = true;
        node.cutOff();
        for (Integer id : open) {
            send(id, ErrorFrameCodec.encode(alloc(), id, new ApplicationErrorException(SLOW_CONSUMER)), false);
        }
        open.clear();
    }

    /** Notes the streams the client opens and cancels, so that a cut-off can end each one. */
    private void inbound(ByteBuf frame) {
        if (frame.readableBytes() < HEADER) {
            return; // RSocket refuses it itself
        }
        int id = frame.getInt(frame.readerIndex());
        int type = type(frame);
        if (id == 0) {
            return;
        }
        if (type == FrameType.REQUEST_RESPONSE.getEncodedType()
                || type == FrameType.REQUEST_STREAM.getEncodedType()
                || type == FrameType.REQUEST_CHANNEL.getEncodedType()) {
            if (!cutOff) {
                open.add(id);
            }
        } else if (type == FrameType.CANCEL.getEncodedType() || type == FrameType.ERROR.getEncodedType()) {
            open.remove(id);
        }
    }

    /** Stream id, then 6 bits of frame type and 10 of flags; read without moving any index. */
    private static final int HEADER = 6;

    private static final int TYPE_SHIFT = 10;

    private static int type(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 4) >> TYPE_SHIFT;
    }

    private static int flags(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 4) & ((1 << TYPE_SHIFT) - 1);
    }

    @Override
    public Flux<ByteBuf> receive() {
        return delegate.receive().doOnNext(this::inbound);
    }

    @Override
    public void sendErrorAndClose(RSocketErrorException e) {
        delegate.sendErrorAndClose(e);
    }

    @Override
    public ByteBufAllocator alloc() {
        return delegate.alloc();
    }

    @Override
    public SocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public double availability() {
        return delegate.availability();
    }

    @Override
    public Mono<Void> onClose() {
        return delegate.onClose();
    }

    @Override
    public void dispose() {
        delegate.dispose();
    }

    @Override
    public boolean isDisposed() {
        return delegate.isDisposed();
    }

    /** A frame that tells its connection when Netty has released it. */
    private static final class CountedFrame extends CompositeByteBuf {

        private final int size;
        private final boolean budgeted;
        private final LimitedConnection owner;

        CountedFrame(ByteBuf frame, int size, boolean budgeted, LimitedConnection owner) {
            super(frame.alloc(), frame.isDirect(), 1, frame);
            this.size = size;
            this.budgeted = budgeted;
            this.owner = owner;
        }

        @Override
        protected void deallocate() {
            try {
                super.deallocate();
            } finally {
                owner.written(size, budgeted);
            }
        }
    }
}
