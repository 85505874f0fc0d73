package io.nundb.transport.rest;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.transport.stream.StreamEvent;
import io.nundb.transport.stream.StreamRefused;
import io.nundb.transport.stream.WatchRequest;
import io.nundb.transport.stream.WatchStreams;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/dbs/{db}/watch?key=…}: server-sent events for one or more keys or prefixes
 * ({@code key=user-*}). Each event's id is the key's version ({@code key:version} when several keys
 * are watched), so a browser's automatic reconnect with {@code Last-Event-ID} resumes where it left.
 */
@RestController
public class WatchController {

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final WatchStreams streams;

    public WatchController(WatchStreams streams) {
        this.streams = streams;
    }

    @GetMapping(path = "/api/v1/dbs/{db}/watch", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<Map<String, Object>>> watch(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @PathVariable String db,
            @RequestParam(name = "key", required = false) List<String> keys,
            @RequestParam(name = "current", defaultValue = "false") boolean current,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
            @RequestParam(name = "token", required = false) String tokenParam,
            @RequestParam(name = "user", required = false) String userParam) {
        if (keys == null || keys.isEmpty()) {
            throw Problems.fromCode(ErrorCode.BAD_REQUEST, "give at least one key: ?key=name or ?key=prefix*");
        }
        String resumeFrom = lastEventId != null ? lastEventId : lastEventIdParam;
        // EventSource in a browser cannot set headers: it may pass ?token= (and ?user=) instead.
        WatchRequest request = new WatchRequest(
                auth == null && tokenParam != null
                        ? List.of(new Command.UseDb(db, userParam, tokenParam))
                        : Credentials.forDb(auth, db),
                keys,
                current,
                resumeFrom);
        Flux<ServerSentEvent<Map<String, Object>>> events = streams.open(request)
                .map(WatchController::toSse)
                .onErrorMap(StreamRefused.class, e -> Problems.fromCode(e.code(), e.error()));
        Flux<ServerSentEvent<Map<String, Object>>> keepAlive = Flux.interval(KEEP_ALIVE, KEEP_ALIVE)
                .map(i -> ServerSentEvent.<Map<String, Object>>builder()
                        .comment("keep-alive")
                        .build());
        // A refusal comes before any event, so it is still answered as a problem detail. When the
        // events end (after their closing error event) the keep-alives end too: the stream closes.
        Flux<Optional<ServerSentEvent<Map<String, Object>>>> untilEnd =
                events.map(Optional::of).concatWith(Mono.just(Optional.empty()));
        return Flux.merge(untilEnd, keepAlive.map(Optional::of))
                .takeWhile(Optional::isPresent)
                .map(Optional::get);
    }

    private static ServerSentEvent<Map<String, Object>> toSse(StreamEvent e) {
        if (e.isReady()) {
            // A comment, invisible to EventSource, that sends the headers as soon as the stream is live.
            return ServerSentEvent.<Map<String, Object>>builder()
                    .comment("ready")
                    .build();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (e.isError()) {
            // The code a REST problem detail would carry, so a client branches on it, not on the text.
            data.put("code", e.code().name());
            data.put("message", e.value());
            return ServerSentEvent.<Map<String, Object>>builder(data)
                    .event(e.type())
                    .build();
        }
        data.put("key", e.key());
        data.put("version", e.version());
        data.put("value", e.value());
        ServerSentEvent.Builder<Map<String, Object>> b =
                ServerSentEvent.<Map<String, Object>>builder(data).event(e.type());
        if (e.id() != null) {
            b.id(e.id());
        }
        return b.build();
    }
}
