package io.nundb.transport.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.http.server.HttpServer;

/**
 * Asks for one more read of an HTTP connection after each response it sends. Reactor Netty 1.3.6
 * (Spring Boot 4.0.7's) reads a kept-alive connection on demand and could forget to ask again: a
 * request that arrived while the previous exchange was still ending (its answer came from another
 * thread, as a REST write's does once stored) was queued, and when that queued request was answered
 * at once, the connection was never read again, so the next request waited until the client gave
 * up (reactor/reactor-netty#4361, fixed in 1.3.8, which needs a newer Netty). One extra read per
 * response is harmless: a request read early is queued by Reactor Netty as any pipelined one.
 * Runs on the connection's event loop; stateless, shared by every connection.
 */
@ChannelHandler.Sharable
public final class ReadAfterResponse extends ChannelOutboundHandlerAdapter {

    static final ReadAfterResponse INSTANCE = new ReadAfterResponse();
    static final String NAME = "nundb-read-after-response";

    private ReadAfterResponse() {}

    /** {@code server} with this handler on each connection, where it sees the response objects. */
    public static HttpServer apply(HttpServer server) {
        return server.doOnChannelInit(
                (observer, channel, remote) -> channel.pipeline().addLast("nundb-read-after-response", INSTANCE));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (last) {
            // after the current task: the exchange that wrote this has ended by then
            ctx.executor().execute(ctx::read);
        }
    }
}
