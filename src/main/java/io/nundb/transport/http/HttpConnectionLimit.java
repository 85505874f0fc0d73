package io.nundb.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.nundb.transport.BadInputLog;
import io.nundb.transport.ConnectionBudget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP door's connection limit ({@code NUN_MAX_CONNECTIONS}, within the doors' shared
 * {@link ConnectionBudget}). A connection past the limit is still accepted, but only for one request: a readiness or
 * liveness probe ({@link #PROBES}) is served as usual, so clients filling the door do not make the
 * orchestrator take a working node out; any other request is answered {@code 503} with {@code
 * error too many connections} and the connection is closed; a connection that sends nothing is
 * closed after the handshake timeout. At most {@value #PROBE_SLOTS} such connections wait at a
 * time; beyond them (a flood of new connections) each is answered the 503 at once and closed, so
 * a flood cannot hold file descriptors (a probe may then be refused too: {@code
 * NUN_MANAGEMENT_ADDR} gives probes a port of their own). Runs on the connection's event loop; no
 * I/O but the reply.
 */
public final class HttpConnectionLimit {

    static final String TOO_MANY = "error too many connections\n";
    /** Connections past the limit that may wait for their first request; more are refused at once. */
    static final int PROBE_SLOTS = 16;
    /** Request lines that are served past the limit: the orchestrator's probes. */
    static final List<String> PROBES = List.of(
            "GET /readyz ",
            "GET /livez ",
            "GET /actuator/health/readiness ",
            "GET /actuator/health/liveness ",
            "GET /actuator/health ");

    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: " + TOO_MANY.length() + "\r\n"
                    + "Connection: close\r\n\r\n" + TOO_MANY)
            .getBytes(StandardCharsets.US_ASCII);

    private final ConnectionBudget budget;
    private final Duration handshakeTimeout;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections past the limit waiting for their first request (a probe may be among them). */
    private final AtomicInteger waiting = new AtomicInteger();

    public HttpConnectionLimit(int maxConnections, Duration handshakeTimeout) {
        this(ConnectionBudget.perDoor(maxConnections), handshakeTimeout);
    }

    /** @param budget the doors' shared connection budget; a connection it refuses gets one probe at most */
    public HttpConnectionLimit(ConnectionBudget budget, Duration handshakeTimeout) {
        this.budget = budget;
        this.handshakeTimeout = handshakeTimeout;
    }

    /** {@code server} counting its connections and holding the ones past the limit to a probe. */
    public HttpServer apply(HttpServer server) {
        // per channel as it is set up (doOnConnection fires per request on HTTP)
        return server.doOnChannelInit((observer, channel, remote) -> {
            open.incrementAndGet();
            channel.closeFuture().addListener(f -> open.decrementAndGet());
            if (budget.tryAcquire(ConnectionBudget.Door.HTTP)) {
                channel.closeFuture().addListener(f -> budget.release(ConnectionBudget.Door.HTTP));
                return;
            }
            if (waiting.incrementAndGet() > PROBE_SLOTS) {
                // a flood: refused at once, so the descriptors it takes are given back at once
                waiting.decrementAndGet();
                BadInputLog.shared().warn("http connection refused", "too many connections (NUN_MAX_CONNECTIONS)");
                channel.config().setAutoRead(false);
                channel.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            channel.closeFuture().addListener(f -> waiting.decrementAndGet());
            channel.pipeline().addFirst("nundb-http-over-limit", new OverLimit());
        });
    }

    /** Open HTTP connections, those past the limit included. */
    public int connectionCount() {
        return open.get();
    }

    /** In front of the HTTP codec of a connection past the limit: a probe passes, anything else is refused. */
    private final class OverLimit extends ChannelInboundHandlerAdapter {

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.executor()
                    .schedule(
                            () -> {
                                if (ctx.pipeline().get(OverLimit.class) != null) {
                                    ctx.close(); // nothing sent in time
                                }
                            },
                            handshakeTimeout.toMillis(),
                            TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && isProbe(buf)) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
                return;
            }
            ReferenceCountUtil.release(msg);
            BadInputLog.shared().warn("http connection refused", "too many connections (NUN_MAX_CONNECTIONS)");
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
        }

        private boolean isProbe(ByteBuf buf) {
            int n = Math.min(buf.readableBytes(), 64);
            String start = buf.toString(buf.readerIndex(), n, StandardCharsets.US_ASCII);
            for (String probe : PROBES) {
                if (start.startsWith(probe)) {
                    return true;
                }
            }
            return false;
        }
    }
}
