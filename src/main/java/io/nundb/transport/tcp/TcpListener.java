package io.nundb.transport.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.nundb.command.CommandExecutor;
import io.nundb.transport.ClientAddress;
import io.nundb.transport.ConnectionBudget;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The NunDB TCP listener ({@code NUN_TCP_ADDR}, default port 3014). Reactor Netty binds the socket;
 * each accepted connection gets its own {@link TcpConnection} handler. Also the handle through which
 * tests and other beans learn the bound port (port 0 binds an ephemeral one).
 */
public final class TcpListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    /** The answer to a connection above the limit, before it is closed. */
    public static final String TOO_MANY = "error too many connections\n";

    private final CommandExecutor executor;
    private final DeliveryStats stats;
    private final String host;
    private final int port;
    private final int maxLineLength;
    private final OutboxLimits outboxLimits;
    private final ConnectionBudget budget;
    private final ChannelGroup connections = new DefaultChannelGroup("nundb-tcp", GlobalEventExecutor.INSTANCE);
    private volatile DisposableServer server;
    private volatile Duration idleTimeout = Duration.ZERO;
    private volatile Duration lineTimeout = Duration.ZERO;
    private volatile Duration cutOffGrace = Duration.ofMillis(TcpConnection.CUT_OFF_GRACE_MILLIS);

    /** A listener whose outboxes are bounded in messages only, with no connection limit. */
    public TcpListener(
            CommandExecutor executor, DeliveryStats stats, String host, int port, int maxLineLength, int outboxLimit) {
        this(executor, stats, host, port, maxLineLength, OutboxLimits.messages(outboxLimit), Integer.MAX_VALUE);
    }

    /**
     * @param maxConnections open connections at most; one more is told {@value #TOO_MANY} and closed
     */
    public TcpListener(
            CommandExecutor executor,
            DeliveryStats stats,
            String host,
            int port,
            int maxLineLength,
            OutboxLimits outboxLimits,
            int maxConnections) {
        this(executor, stats, host, port, maxLineLength, outboxLimits, ConnectionBudget.perDoor(maxConnections));
    }

    /**
     * @param budget the doors' shared connection budget; a connection it refuses is told
     *     {@value #TOO_MANY} and closed
     */
    public TcpListener(
            CommandExecutor executor,
            DeliveryStats stats,
            String host,
            int port,
            int maxLineLength,
            OutboxLimits outboxLimits,
            ConnectionBudget budget) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("max line length must be positive: " + maxLineLength);
        }
        this.executor = executor;
        this.stats = stats;
        this.host = host;
        this.port = port;
        this.maxLineLength = maxLineLength;
        this.outboxLimits = outboxLimits;
        this.budget = budget;
    }

    /**
     * Closes a connection that sent nothing for {@code timeout} (zero: never), after telling it
     * {@value #IDLE} — set before {@link #start}.
     */
    public TcpListener idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /** What a connection closed for silence is told last. */
    /** NUN_LINE_TIMEOUT: a connection that leaves a line unfinished this long is told and closed (0: never). */
    public TcpListener lineTimeout(Duration timeout) {
        this.lineTimeout = timeout;
        return this;
    }

    /**
     * How long a client cut off as a slow consumer may still read what was sent before it is reset
     * (default {@value TcpConnection#CUT_OFF_GRACE_MILLIS} ms) — set before {@link #start}.
     */
    public TcpListener cutOffGrace(Duration grace) {
        this.cutOffGrace = grace;
        return this;
    }

    public static final String IDLE = "error idle timeout: no command within NUN_IDLE_TIMEOUT, closing\n";

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        server = TcpServer.create()
                .host(host)
                .port(port)
                .doOnConnection(connection -> {
                    if (!budget.tryAcquire(ConnectionBudget.Door.TCP)) {
                        // told why, then closed: the client sees a line, not a silent reset
                        connection
                                .channel()
                                .writeAndFlush(Unpooled.copiedBuffer(TOO_MANY, StandardCharsets.US_ASCII))
                                .addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    connection.onDispose(() -> budget.release(ConnectionBudget.Door.TCP));
                    Duration idle = idleTimeout;
                    if (!idle.isZero()) {
                        connection.onReadIdle(
                                idle.toMillis(),
                                () -> connection
                                        .channel()
                                        .writeAndFlush(Unpooled.copiedBuffer(IDLE, StandardCharsets.US_ASCII))
                                        .addListener(ChannelFutureListener.CLOSE));
                    }
                    connections.add(connection.channel());
                    Duration line = lineTimeout;
                    if (!line.isZero()) {
                        connection.addHandlerLast("nundb-line-timeout", new PartialLineTimeout(line));
                    }
                    long grace = cutOffGrace.toMillis();
                    connection.addHandlerLast(
                            "nundb-tcp",
                            new TcpConnection(
                                    executor,
                                    stats,
                                    maxLineLength,
                                    outboxLimits,
                                    ClientAddress.of(connection.channel().remoteAddress()),
                                    grace));
                })
                .bindNow();
        InetSocketAddress bound = (InetSocketAddress) server.address();
        log.info("NunDB TCP listening on {}:{}", bound.getHostString(), bound.getPort());
    }

    @Override
    public synchronized void stop() {
        DisposableServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        InetSocketAddress bound = (InetSocketAddress) s.address();
        s.disposeNow(Duration.ofSeconds(5));
        connections.close().awaitUninterruptibly(5_000);
        log.info("NunDB TCP listener on {}:{} stopped", bound.getHostString(), bound.getPort());
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The bound address; only while running. */
    public InetSocketAddress address() {
        DisposableServer s = server;
        if (s == null) {
            throw new IllegalStateException("TCP listener is not running");
        }
        return (InetSocketAddress) s.address();
    }

    /** The bound port (the real one when configured with port 0); only while running. */
    public int port() {
        return address().getPort();
    }

    /** Open client connections. */
    public int connectionCount() {
        return connections.size();
    }
}
