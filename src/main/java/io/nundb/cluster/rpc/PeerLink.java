package io.nundb.cluster.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.raft.RaftMessage;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * This node's connection to one peer. Connects on first use, then keeps reconnecting with jittered
 * exponential backoff until closed. Raft messages go over one request-channel whose flow is driven
 * by the peer's demand; at most {@code queueCapacity} wait for that demand (the oldest are dropped
 * beyond), and while the link is down they are dropped at once: Raft retries, so nothing buffers
 * without bound. Forwards are request-responses.
 *
 * <p>{@link #send} and {@link #forward} may be called from any thread and never block; connection
 * events run on Reactor Netty event-loop and Reactor timer threads.
 */
final class PeerLink {

    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    private final String peer;
    private final RpcOptions options;
    private final Supplier<Mono<RSocket>> connector;
    private final SharedEntryEncoding entryEncoding;
    private final RateLimitedWarning oversizeWarning = new RateLimitedWarning(log, Duration.ofSeconds(10));

    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder forwardsSent = new LongAdder();
    private final LongAdder forwardsFailed = new LongAdder();
    private final LongAdder connects = new LongAdder();
    private volatile long lastRttNanos = -1;

    /** The open channel's sink, null while the link is down. */
    private volatile FluxSink<RaftMessage> sink;

    // guarded by this
    private RSocket socket;
    private CompletableFuture<RSocket> ready = new CompletableFuture<>();
    private boolean connecting;
    private boolean closed;
    private int attempt;
    private long connectedAtNanos;
    private Disposable pending;
    private Disposable pinger;

    /** {@code entryEncoding} is shared by the node's links: each follower's copy of a run is encoded once. */
    PeerLink(String peer, RpcOptions options, Supplier<Mono<RSocket>> connector, SharedEntryEncoding entryEncoding) {
        this.peer = peer;
        this.options = options;
        this.connector = connector;
        this.entryEncoding = entryEncoding;
    }

    void send(RaftMessage message) {
        FluxSink<RaftMessage> s = sink;
        if (s == null) {
            dropped.increment();
            connectIfIdle();
            return;
        }
        s.next(message);
    }

    CompletableFuture<ForwardReply> forward(ForwardRequest request) {
        return Mono.fromFuture(socketWhenReady().copy())
                .flatMap(rs -> {
                    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
                    PeerCodec.encode(request, buf);
                    int size = buf.readableBytes();
                    if (size > options.maxPayloadBytes()) {
                        buf.release();
                        return Mono.error(new IllegalArgumentException(
                                "error forwarded command of " + size + " bytes exceeds the peer payload limit"));
                    }
                    bytes.add(size);
                    long start = System.nanoTime();
                    return rs.requestResponse(ByteBufPayload.create(buf)).map(reply -> {
                        lastRttNanos = System.nanoTime() - start;
                        try {
                            return PeerCodec.decodeForwardReply(reply.sliceData());
                        } finally {
                            reply.release();
                        }
                    });
                })
                .timeout(options.forwardTimeout())
                .doOnSuccess(r -> forwardsSent.increment())
                .doOnError(e -> forwardsFailed.increment())
                .toFuture();
    }

    PeerStats stats() {
        return new PeerStats(
                peer,
                sink != null,
                sent.sum(),
                dropped.sum(),
                bytes.sum(),
                forwardsSent.sum(),
                forwardsFailed.sum(),
                lastRttNanos,
                connects.sum());
    }

    void close() {
        RSocket rs;
        synchronized (this) {
            closed = true;
            rs = socket;
            socket = null;
            sink = null;
            dispose(pending);
            dispose(pinger);
            ready.completeExceptionally(new IllegalStateException("error peer transport closed"));
        }
        if (rs != null) {
            rs.dispose();
        }
    }

    private synchronized CompletableFuture<RSocket> socketWhenReady() {
        connectIfIdle();
        return ready;
    }

    synchronized void connectIfIdle() {
        if (closed || connecting || socket != null) {
            return;
        }
        connecting = true;
        scheduleConnect(Duration.ZERO);
    }

    /** Holds the lock. */
    private void scheduleConnect(Duration delay) {
        pending = Mono.delay(delay).then(Mono.defer(connector)).subscribe(this::onConnected, this::onConnectFailed);
    }

    private synchronized void onConnectFailed(Throwable error) {
        if (closed) {
            return;
        }
        log.debug("peer {} unreachable: {}", peer, error.toString());
        scheduleConnect(backoff(++attempt));
    }

    private void onConnected(RSocket rs) {
        synchronized (this) {
            if (closed) {
                rs.dispose();
                return;
            }
            connecting = false;
            socket = rs;
            connectedAtNanos = System.nanoTime();
            connects.increment();
            Flux<Payload> outbound = Flux.<RaftMessage>create(s -> sink = s)
                    .onBackpressureBuffer(
                            options.queueCapacity(), m -> dropped.increment(), BufferOverflowStrategy.DROP_OLDEST)
                    // messages still queued when the channel ends are lost too
                    .doOnDiscard(RaftMessage.class, m -> dropped.increment())
                    .handle(this::encode);
            // the peer answers nothing on this channel; when it ends the connection is done for
            rs.requestChannel(outbound).subscribe(Payload::release, e -> rs.dispose(), rs::dispose);
            pinger = Flux.interval(Duration.ZERO, options.pingInterval())
                    .concatMap(i -> ping(rs).timeout(options.pingInterval()).onErrorResume(e -> Mono.empty()))
                    .subscribe(rtt -> lastRttNanos = rtt, e -> {});
            ready.complete(rs);
        }
        rs.onClose().doFinally(signal -> onClosed(rs)).subscribe(v -> {}, e -> {});
    }

    private synchronized void onClosed(RSocket rs) {
        if (socket != rs) {
            return;
        }
        socket = null;
        sink = null;
        dispose(pinger);
        ready = new CompletableFuture<>();
        if (closed) {
            return;
        }
        // a link that stayed up resets the backoff; one refused at once (wrong secret) keeps backing off
        boolean wasStable =
                System.nanoTime() - connectedAtNanos > options.maxBackoff().toNanos();
        attempt = wasStable ? 0 : attempt + 1;
        connecting = true;
        scheduleConnect(backoff(attempt));
    }

    private void encode(RaftMessage message, SynchronousSink<Payload> out) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        try {
            if (message instanceof RaftMessage.AppendEntries a && !a.entries().isEmpty()) {
                PeerCodec.encode(a, entryEncoding.encode(a.entries()), buf);
            } else {
                PeerCodec.encode(message, buf);
            }
        } catch (RuntimeException e) {
            buf.release();
            dropped.increment();
            log.warn("dropped a {} to {}: {}", message.getClass().getSimpleName(), peer, e.toString());
            return;
        }
        int size = buf.readableBytes();
        if (size > options.maxPayloadBytes()) {
            buf.release();
            dropped.increment();
            oversizeWarning.warn("dropped a " + message.getClass().getSimpleName() + " of " + size + " bytes to " + peer
                    + ": above the " + options.maxPayloadBytes() + "-byte payload limit");
            return;
        }
        sent.increment();
        bytes.add(size);
        out.next(ByteBufPayload.create(buf));
    }

    private static Mono<Long> ping(RSocket rs) {
        return Mono.defer(() -> {
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(1).writeByte(PeerCodec.PING);
            long start = System.nanoTime();
            return rs.requestResponse(ByteBufPayload.create(buf)).map(reply -> {
                reply.release();
                return System.nanoTime() - start;
            });
        });
    }

    private Duration backoff(int attempts) {
        long min = options.minBackoff().toNanos();
        long max = options.maxBackoff().toNanos();
        long base = attempts >= 30 ? max : Math.min(max, min << attempts);
        // jitter in [base/2, base]: peers that lost each other at once do not retry in lockstep
        return Duration.ofNanos(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    private static void dispose(Disposable d) {
        if (d != null) {
            d.dispose();
        }
    }
}
