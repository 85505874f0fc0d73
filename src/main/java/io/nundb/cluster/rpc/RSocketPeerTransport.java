package io.nundb.cluster.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.nundb.cluster.ForwardReply;
import io.nundb.cluster.ForwardRequest;
import io.nundb.cluster.PeerTransport;
import io.nundb.cluster.raft.RaftMessage;
import io.rsocket.ConnectionSetupPayload;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.ByteBufPayload;
import io.rsocket.util.DefaultPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * {@link PeerTransport} over RSocket on TCP: a server on the cluster address for peers' traffic,
 * and one lazily connected, self-reconnecting {@link PeerLink} per peer for ours. Every connection
 * opens with a SETUP carrying the sender's node id and the cluster secret; a wrong secret is
 * refused before any message is read. Payloads above {@link RpcOptions#maxPayloadBytes()} are
 * refused on both sides, and frames are fragmented so no frame is large.
 *
 * <p>Threads: {@link PeerTransport.Inbound} is called on Reactor Netty event-loop threads, one
 * connection's messages in order on one thread; it must hand work off and return at once, or it
 * stalls every peer sharing that loop. {@link #send} and {@link #forward} never block; the
 * futures {@link #forward} returns complete on event-loop threads too. {@link #close} blocks for
 * the server to unbind, so do not call it on an event loop.
 */
public final class RSocketPeerTransport implements PeerTransport, PeerStatsSource {

    private static final Logger log = LoggerFactory.getLogger(RSocketPeerTransport.class);

    /**
     * Frames are at most this large (the same on every node, whatever its payload limit); bigger
     * payloads travel as fragments, reassembled up to {@link RpcOptions#maxPayloadBytes()}.
     */
    static final int FRAGMENT_SIZE = 64 * 1024;

    /** A fragment plus its frame header: a peer that does not fragment cannot send a huge frame. */
    static final int MAX_FRAME_LENGTH = FRAGMENT_SIZE + 1024;

    /** Messages a receiver asks for ahead; the sender's channel stops when they are not consumed. */
    private static final int RECEIVE_WINDOW = 256;

    private final RpcOptions options;
    private final SecretCheck secretCheck;
    private final byte[] secretBytes;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    /** The entries of the last AppendEntries, encoded once for all followers. */
    private final SharedEntryEncoding entryEncoding = new SharedEntryEncoding();

    private final Map<String, AtomicInteger> inbound = new ConcurrentHashMap<>();
    /** Accepted connections: closing the server socket leaves them open, so close() closes them. */
    private final Set<RSocket> accepted = ConcurrentHashMap.newKeySet();

    private final LongAdder received = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final RateLimitedWarning refusedWarning = new RateLimitedWarning(log, Duration.ofSeconds(10));
    private final RateLimitedWarning badMessageWarning = new RateLimitedWarning(log, Duration.ofSeconds(10));

    private volatile CloseableChannel server;
    private volatile Inbound handler;
    private volatile boolean closed;

    public RSocketPeerTransport(RpcOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.secretCheck = new SecretCheck(options.secret());
        this.secretBytes = options.secret().getBytes(StandardCharsets.UTF_8);
    }

    /** Binds the server (blocking until bound); the bound port is {@link #port()} afterwards. */
    @Override
    public synchronized void start(Inbound inbound) {
        if (server != null || closed) {
            throw new IllegalStateException("error peer transport already started or closed");
        }
        this.handler = Objects.requireNonNull(inbound, "inbound");
        PeerAddress bind = PeerAddress.parse(options.bindAddress());
        TcpServer tcp = TcpServer.create().host(bind.host()).port(bind.port());
        server = RSocketServer.create(this::accept)
                .payloadDecoder(PayloadDecoder.ZERO_COPY)
                .maxInboundPayloadSize(options.maxPayloadBytes())
                .fragment(FRAGMENT_SIZE)
                // a connection that never authenticates does not hold a socket for long
                .maxTimeToFirstFrame(Duration.ofSeconds(5))
                .bind(TcpServerTransport.create(tcp, MAX_FRAME_LENGTH))
                .block(Duration.ofSeconds(10));
        log.info("cluster peer server listening on {}", server.address());
    }

    /** The port the server is bound to (the real one when configured with port 0). */
    public int port() {
        CloseableChannel s = server;
        if (s == null) {
            throw new IllegalStateException("error peer transport not started");
        }
        return s.address().getPort();
    }

    public RpcOptions options() {
        return options;
    }

    /**
     * Opens the link to {@code peer} now instead of at the first message, so that the first
     * heartbeats to known members are not dropped while it connects. Never blocks.
     */
    @Override
    public void connect(String peer) {
        if (!closed) {
            link(peer).connectIfIdle();
        }
    }

    @Override
    public void send(String peer, RaftMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return;
        }
        link(peer).send(message);
    }

    @Override
    public CompletableFuture<ForwardReply> forward(String peer, ForwardRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("error peer transport closed"));
        }
        return link(peer).forward(request);
    }

    @Override
    public boolean isConnected(String peer) {
        // the link this node sends on: a forward waits for it, so a peer that only connected to us
        // (our own link still in its reconnect backoff) is not reachable yet
        PeerLink link = links.get(peer);
        return link != null && link.stats().connected();
    }

    @Override
    public Map<String, PeerStats> peerStats() {
        Map<String, PeerStats> stats = new TreeMap<>();
        links.forEach((peer, link) -> stats.put(peer, link.stats()));
        return stats;
    }

    @Override
    public Set<String> inboundPeers() {
        return Set.copyOf(inbound.keySet());
    }

    @Override
    public long messagesReceived() {
        return received.sum();
    }

    @Override
    public long rejectedConnections() {
        return rejected.sum();
    }

    @Override
    public void close() {
        CloseableChannel s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
        }
        links.values().forEach(PeerLink::close);
        if (s != null) {
            s.dispose();
            s.onClose().onErrorComplete().block(Duration.ofSeconds(5));
        }
        accepted.forEach(RSocket::dispose);
    }

    private PeerLink link(String peer) {
        return links.computeIfAbsent(peer, p -> {
            PeerAddress address = PeerAddress.parse(p);
            TcpClient tcp = TcpClient.create().host(address.host()).port(address.port());
            return new PeerLink(
                    p,
                    options,
                    () -> RSocketConnector.create()
                            .setupPayload(DefaultPayload.create(setupBytes()))
                            .payloadDecoder(PayloadDecoder.ZERO_COPY)
                            .maxInboundPayloadSize(options.maxPayloadBytes())
                            .fragment(FRAGMENT_SIZE)
                            .keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(6))
                            .connect(TcpClientTransport.create(tcp, MAX_FRAME_LENGTH)),
                    entryEncoding);
        });
    }

    private byte[] setupBytes() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.heapBuffer();
        try {
            PeerCodec.encode(new PeerSetup(options.nodeId(), secretBytes), buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private Mono<RSocket> accept(ConnectionSetupPayload setup, RSocket sendingSocket) {
        PeerSetup peer;
        try {
            peer = PeerCodec.decodeSetup(setup.sliceData());
        } catch (MalformedMessageException e) {
            return refuse("refused a cluster peer connection: unreadable setup (" + e.getMessage() + ")");
        }
        if (!secretCheck.matches(peer.secret())) {
            return refuse("refused cluster peer " + peer.nodeId() + ": wrong or missing cluster secret");
        }
        String nodeId = peer.nodeId();
        inbound.computeIfAbsent(nodeId, id -> new AtomicInteger()).incrementAndGet();
        accepted.add(sendingSocket);
        sendingSocket
                .onClose()
                .doFinally(signal -> {
                    accepted.remove(sendingSocket);
                    inbound.computeIfPresent(nodeId, (id, n) -> n.decrementAndGet() == 0 ? null : n);
                })
                .subscribe(v -> {}, e -> {});
        if (closed) {
            sendingSocket.dispose();
        }
        log.debug("cluster peer {} connected", nodeId);
        return Mono.just(new Responder(nodeId));
    }

    private Mono<RSocket> refuse(String warning) {
        rejected.increment();
        refusedWarning.warn(warning);
        return Mono.error(new RejectedSetupException("error cluster setup refused"));
    }

    /**
     * A peer's channel: each payload goes to {@code deliver}, which owns it (and releases it), and
     * nothing is answered. No payload travels further down the chain: an operator that drops
     * elements (as {@code then} does) hands them to RSocket's discard hook, which releases them a
     * second time and so built (and swallowed) an IllegalReferenceCountException, stack trace
     * included, for every frame received.
     */
    static Flux<Payload> inbound(Publisher<Payload> payloads, java.util.function.Consumer<Payload> deliver) {
        return Flux.from(payloads)
                .limitRate(RECEIVE_WINDOW)
                .<Payload>handle((payload, sink) -> deliver.accept(payload))
                .thenMany(Flux.empty());
    }

    /** Serves one connected peer; runs on that connection's event-loop thread. */
    private final class Responder implements RSocket {

        private final String nodeId;

        Responder(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public Flux<Payload> requestChannel(Publisher<Payload> payloads) {
            return inbound(payloads, this::deliver);
        }

        @Override
        public Mono<Payload> requestResponse(Payload payload) {
            ForwardRequest request;
            try {
                ByteBuf data = payload.sliceData();
                if (PeerCodec.peekTag(data) == PeerCodec.PING) {
                    return Mono.just(ByteBufPayload.create(
                            ByteBufAllocator.DEFAULT.buffer(1).writeByte(PeerCodec.PING)));
                }
                request = PeerCodec.decodeForwardRequest(data);
            } catch (MalformedMessageException e) {
                badMessageWarning.warn("unreadable request from cluster peer " + nodeId + ": " + e.getMessage());
                return Mono.error(new IllegalArgumentException("error unreadable forward request"));
            } finally {
                payload.release();
            }
            Inbound target = handler;
            return Mono.defer(() -> Mono.fromFuture(target.onForward(request))).map(reply -> {
                ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
                PeerCodec.encode(reply, buf);
                return ByteBufPayload.create(buf);
            });
        }

        private void deliver(Payload payload) {
            RaftMessage message;
            try {
                message = PeerCodec.decodeRaft(payload.sliceData());
            } catch (MalformedMessageException e) {
                badMessageWarning.warn(
                        "dropped an unreadable message from cluster peer " + nodeId + ": " + e.getMessage());
                return;
            } finally {
                payload.release();
            }
            received.increment();
            try {
                handler.onMessage(message);
            } catch (RuntimeException e) {
                log.warn("the Raft inbound handler failed on a message from {}", nodeId, e);
            }
        }
    }
}
