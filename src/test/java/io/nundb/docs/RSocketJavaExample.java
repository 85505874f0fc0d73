package io.nundb.docs;

import java.util.List;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import reactor.core.publisher.Flux;

/**
 * NunDB's RSocket door from a Spring application: log in in the setup metadata, set and get a key,
 * watch it. Spring Boot supplies the {@code RSocketRequester.Builder}; its default data MIME type
 * (CBOR) is refused, so this sets JSON, and the replies are JSON.
 */
public final class RSocketJavaExample {

    /** The {@code watch} request: only {@code keys} is needed. */
    record Watch(List<String> keys, boolean current, String lastEventId, String login) {}

    /** A watch event; {@code code} is set only on the {@code error} event that ends a stream. */
    record Event(String type, String key, int version, String value, String id, String code) {}

    private final RSocketRequester nundb;

    /** {@code builder}: the injected one; {@code port}: NunDB's RSocket port, 3015 by default. */
    RSocketJavaExample(RSocketRequester.Builder builder, String host, int port) {
        nundb = builder.dataMimeType(MimeTypeUtils.APPLICATION_JSON)
                .setupMetadata("use-db demo demo-token", MimeType.valueOf("message/x.nundb.login.v0"))
                .tcp(host, port); // or .websocket(URI.create("ws://localhost:3013/rsocket"))
    }

    /** {@code {"ok":true}}. */
    String set(String key, String value) {
        return nundb.route("command")
                .data("set " + key + " " + value)
                .retrieveMono(String.class)
                .block();
    }

    /** {@code {"ok":true,"key":"greeting","version":0,"value":"hello"}}. */
    String get(String key) {
        return nundb.route("command")
                .data("get " + key)
                .retrieveMono(String.class)
                .block();
    }

    /** The key's value now ({@code current}), then every change until the subscriber cancels. */
    Flux<Event> watch(String key) {
        return nundb.route("watch")
                .data(new Watch(List.of(key), true, null, null))
                .retrieveFlux(Event.class)
                .filter(e -> !"ready".equals(e.type()));
    }

    void close() {
        nundb.dispose();
    }
}
