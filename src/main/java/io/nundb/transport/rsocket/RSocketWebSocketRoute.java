package io.nundb.transport.rsocket;

import io.nundb.security.OriginPolicy;
import io.nundb.transport.BadInputLog;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketServer;
import io.rsocket.transport.ServerTransport;
import io.rsocket.transport.netty.server.WebsocketRouteTransport;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * RSocket over WebSocket on a path of the HTTP port ({@code nundb.rsocket-ws-path}, default
 * {@code /rsocket}), so that a browser can use the RSocket door: the same routes, login and
 * checks as the TCP listener (every {@code RSocketServer} customizer applies to both). Browser
 * origins follow {@code nundb.allowed-origins} like the other HTTP and WebSocket doors. Routes
 * ahead of WebFlux; runs on the HTTP event loop, no blocking.
 */
public final class RSocketWebSocketRoute implements NettyRouteProvider {

    private final String path;
    private final SocketAcceptor acceptor;
    private final List<Consumer<RSocketServer>> customizers;
    private final int maxFramePayload;
    private final OriginPolicy origins;

    /**
     * @param maxFramePayload largest WebSocket frame: one RSocket frame travels in one WebSocket
     *     frame, so at least the RSocket payload limit
     */
    public RSocketWebSocketRoute(
            String path,
            SocketAcceptor acceptor,
            List<Consumer<RSocketServer>> customizers,
            int maxFramePayload,
            OriginPolicy origins) {
        this.path = path;
        this.acceptor = acceptor;
        this.customizers = List.copyOf(customizers);
        this.maxFramePayload = maxFramePayload;
        this.origins = origins;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        RSocketServer server = RSocketServer.create(acceptor);
        customizers.forEach(c -> c.accept(server));
        ServerTransport.ConnectionAcceptor connections = server.asConnectionAcceptor();
        WebsocketServerSpec spec = WebsocketServerSpec.builder()
                .maxFramePayloadLength(maxFramePayload)
                .build();
        return routes.get(path, (request, response) -> {
            String origin = request.requestHeaders().get("Origin");
            if (origin != null && !origins.allowsAny() && !origins.allows(origin)) {
                BadInputLog.shared().warn("origin not allowed", "403");
                return response.status(403).sendString(Mono.just("error origin not allowed\n"));
            }
            if (!"websocket".equalsIgnoreCase(request.requestHeaders().get("Upgrade"))) {
                return response.status(400)
                        .sendString(Mono.just("error " + path
                                + " is RSocket over WebSocket: connect with an RSocket WebSocket client\n"));
            }
            // reactor-netty answers these itself, but logs each at ERROR with a stack trace
            // ("Error finishing response"): one bad request must not buy that
            String key = request.requestHeaders().get("Sec-WebSocket-Key");
            if (key == null || key.isBlank()) {
                BadInputLog.shared().warn("rsocket websocket handshake refused", "400: no Sec-WebSocket-Key");
                return response.status(400).sendString(Mono.just("error WebSocket handshake without a key\n"));
            }
            if (!WS_VERSION.equals(request.requestHeaders().get("Sec-WebSocket-Version"))) {
                BadInputLog.shared().warn("rsocket websocket handshake refused", "426: not version 13");
                return response.status(426)
                        .header("Sec-WebSocket-Version", WS_VERSION)
                        .sendString(Mono.just("error WebSocket version 13 only\n"));
            }
            return response.sendWebsocket(WebsocketRouteTransport.newHandler(connections), spec);
        });
    }

    /** The one WebSocket version (RFC 6455). */
    private static final String WS_VERSION = "13";
}
