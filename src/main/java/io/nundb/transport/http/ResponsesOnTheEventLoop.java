package io.nundb.transport.http;

import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Writes every HTTP response from its connection's event loop, in a task of its own. Our answers
 * often complete on another thread (a secret check, the op-log writer): the response then reached
 * the client before reactor-netty had finished the request, a keep-alive client's next request was
 * buffered, and when that one was answered at once (inside the buffered dispatch) reactor-netty
 * 1.3.6 stopped reading the connection for good (reactor/reactor-netty#4361; 1.3.7 still has it,
 * 1.3.8 needs netty natives Maven Central does not serve us): the client waited forever. Written
 * from the event loop, a response and the end of its request happen in one task, so the next
 * request is never read in between. Costs one event-loop task per response; runs on the event loop.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ResponsesOnTheEventLoop implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (!(nativeRequest instanceof Connection connection)) {
            return chain.filter(exchange);
        }
        Scheduler loop = Schedulers.fromExecutor(connection.channel().eventLoop());
        ServerHttpResponse response = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                // a Mono stays a Mono: Spring sets Content-Length for a single buffer
                if (body instanceof Mono<? extends DataBuffer> one) {
                    return super.writeWith(one.publishOn(loop));
                }
                return super.writeWith(Flux.from(body).publishOn(loop));
            }

            @Override
            public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                return super.writeAndFlushWith(Flux.from(body).publishOn(loop));
            }

            @Override
            public Mono<Void> setComplete() {
                return Mono.defer(super::setComplete).subscribeOn(loop);
            }
        };
        return chain.filter(exchange.mutate().response(response).build());
    }
}
