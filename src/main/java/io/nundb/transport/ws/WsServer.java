package io.nundb.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.nundb.command.CommandExecutor;
import io.nundb.security.OriginPolicy;
import io.nundb.transport.BadInputLog;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.tcp.TcpListener;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The WebSocket listener (NunDB's port 3012): any path, text frames, each frame split into
 * commands by the {@code ;} rule and every reply message sent as its own frame.
 */
public final class WsServer implements SmartLifecycle {

    private final AtomicInteger openConnections = new AtomicInteger();
    /** Set on a connection counted in the budget. */
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("nundb-ws-counted");

    private static final Logger log = LoggerFactory.getLogger(WsServer.class);

    /** Frames up to this many times the line limit are read and answered with an error; larger ones close. */
    private static final int HARD_LIMIT_FACTOR = 4;

    private final String host;
    private final int requestedPort;
    private final CommandExecutor executor;
    private final DeliveryStats stats;
    private final OutboxLimits outboxLimits;
    private final int maxFrameLength;
    private final OriginPolicy originPolicy;
    private final Duration handshakeTimeout;
    private final ConnectionBudget budget;
    private final AtomicReference<DisposableServer> server = new AtomicReference<>();
    private volatile Duration idleTimeout = Duration.ZERO;

    /**
     * Closes a connection that sent nothing (no frame, no ping) for {@code timeout} (zero: never),
     * with a close frame saying why — set before {@link #start}.
     */
    public WsServer idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    public WsServer(
            String host,
            int port,
            CommandExecutor executor,
            DeliveryStats stats,
            OutboxLimits outboxLimits,
            int maxFrameLength,
            OriginPolicy originPolicy,
            Duration handshakeTimeout,
            int maxConnections) {
        this(
                host,
                port,
                executor,
                stats,
                outboxLimits,
                maxFrameLength,
                originPolicy,
                handshakeTimeout,
                ConnectionBudget.perDoor(maxConnections));
    }

    /** @param budget the doors' shared connection budget; an upgrade it refuses is answered 503 */
    public WsServer(
            String host,
            int port,
            CommandExecutor executor,
            DeliveryStats stats,
            OutboxLimits outboxLimits,
            int maxFrameLength,
            OriginPolicy originPolicy,
            Duration handshakeTimeout,
            ConnectionBudget budget) {
        this.host = host;
        this.requestedPort = port;
        this.executor = executor;
        this.stats = stats;
        this.outboxLimits = outboxLimits;
        this.maxFrameLength = maxFrameLength;
        this.originPolicy = originPolicy;
        this.handshakeTimeout = handshakeTimeout;
        this.budget = budget;
    }

    @Override
    public void start() {
        int hardLimit = (int) Math.min(Integer.MAX_VALUE - 1024L, (long) maxFrameLength * HARD_LIMIT_FACTOR);
        WebsocketServerSpec spec =
                WebsocketServerSpec.builder().maxFramePayloadLength(hardLimit).build();
        DisposableServer bound = HttpServer.create()
                .host(host)
                .port(requestedPort)
                // A connection that has not sent a complete upgrade request by then is closed: an
                // unfinished header must not hold a file descriptor forever.
                .idleTimeout(handshakeTimeout)
                .handle((req, res) -> {
                    if (!req.requestHeaders().containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
                        return res.status(HttpResponseStatus.UPGRADE_REQUIRED)
                                .sendString(Mono.just("NunDB WebSocket port: connect with a WebSocket client\n"));
                    }
                    if (!originPolicy.allows(req.requestHeaders().get(HttpHeaderNames.ORIGIN))) {
                        // a page of another site: refused before the upgrade (NUN_ALLOWED_ORIGINS)
                        BadInputLog.shared().warn("websocket origin not allowed", "403");
                        return res.status(HttpResponseStatus.FORBIDDEN)
                                .sendString(Mono.just("error origin not allowed\n"));
                    }
                    if (!counted(req)) {
                        // refused before the upgrade, with the reason (NUN_MAX_CONNECTIONS)
                        return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                                .sendString(Mono.just(TcpListener.TOO_MANY));
                    }
                    return res.sendWebsocket((in, out) -> serve(in, out, hardLimit), spec);
                })
                .bindNow(Duration.ofSeconds(30));
        server.set(bound);
        log.info("WebSocket listening on {}:{}", host, bound.port());
    }

    /**
     * Counts the connection asking to upgrade in the budget, once per connection (a failed upgrade
     * may be retried on it), until it closes; false when the budget refuses it.
     */
    private boolean counted(HttpServerRequest req) {
        AtomicReference<Channel> channel = new AtomicReference<>();
        req.withConnection(c -> channel.set(c.channel()));
        Channel ch = channel.get();
        if (ch.hasAttr(COUNTED)) {
            return true;
        }
        if (!budget.tryAcquire(ConnectionBudget.Door.WEBSOCKET)) {
            return false;
        }
        ch.attr(COUNTED).set(Boolean.TRUE);
        ch.closeFuture().addListener(f -> budget.release(ConnectionBudget.Door.WEBSOCKET));
        return true;
    }

    private Publisher<Void> serve(WebsocketInbound in, WebsocketOutbound out, int hardLimit) {
        openConnections.incrementAndGet();
        AtomicReference<Connection> conn = new AtomicReference<>();
        in.withConnection(conn::set);
        Connection connection = conn.get();
        WsConnection client = new WsConnection(connection.channel(), executor, outboxLimits, maxFrameLength, stats);
        Duration idle = idleTimeout;
        if (!idle.isZero()) {
            connection.onReadIdle(
                    idle.toMillis(),
                    () -> out.sendClose(1000, "idle timeout: no frame within NUN_IDLE_TIMEOUT")
                            .subscribe(null, e -> connection.dispose()));
        }
        connection.addHandlerLast("nundb-ws-writability", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    client.outbox().drain();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
        WebsocketInbound frames = in.aggregateFrames(hardLimit);
        // After the aggregator: a client gone in the middle of a fragmented message (or a reset)
        // is one WARN line per kind, not reactor-netty's ERROR with a stack trace per connection.
        connection.addHandlerLast("nundb-ws-client-errors", new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (ctx.channel().isActive() && !(cause instanceof IOException)) {
                    ctx.fireExceptionCaught(cause);
                    return;
                }
                BadInputLog.shared()
                        .warn("websocket connection lost", cause.getClass().getSimpleName());
                ctx.close();
            }
        });
        return frames.receiveFrames()
                .doOnNext(client::onFrame)
                .onErrorResume(IOException.class, e -> {
                    BadInputLog.shared()
                            .warn("websocket connection lost", e.getClass().getSimpleName());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    openConnections.decrementAndGet();
                    client.close();
                })
                .then();
    }

    /** Open WebSocket connections (read by the connection metrics). */
    public int connectionCount() {
        return openConnections.get();
    }

    @Override
    public void stop() {
        DisposableServer s = server.getAndSet(null);
        if (s != null) {
            s.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return server.get() != null;
    }

    /** The bound port (useful when configured with port 0), or -1 when not running. */
    public int port() {
        DisposableServer s = server.get();
        return s == null ? -1 : s.port();
    }
}
