package io.nundb.transport.rsocket;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Command;
import io.nundb.protocol.CommandParser;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.ProtocolException;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.transport.BadInputLog;
import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.ReplyBuffer;
import io.nundb.transport.stream.StreamRefused;
import io.nundb.transport.stream.WatchRequest;
import io.nundb.transport.stream.WatchStreams;
import io.nundb.watch.DeliveryStats;
import io.nundb.watch.OutboxLimits;
import io.rsocket.exceptions.RejectedSetupException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.annotation.ConnectMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * RSocket routes for clients. Each connection is one session, logged in from the setup metadata
 * ({@link RSocketLogin}). {@code command} (request-response) runs command text and answers every
 * message followed by the final {@code ok}/{@code error} line; {@code messages} (request-stream)
 * carries what NunDB pushes to a connection; {@code watch} (request-stream) streams
 * change events with the same resume rule as the SSE API.
 */
@Controller
public class RSocketController {

    /** @param json the connection's data MIME type is {@code application/json}: JSON replies */
    private record Connection(Session session, String login, PushedMessages pushed, boolean json) {}

    private final CommandExecutor executor;
    private final WatchStreams streams;
    private final Map<RSocketRequester, Connection> connections = new ConcurrentHashMap<>();

    private final OutboxLimits outboxLimits;
    private final int maxCommandLength;
    /** Counts connections past SETUP (those refused at SETUP are not counted). */
    private final ConnectionBudget budget;

    private final DeliveryStats stats;

    public RSocketController(
            CommandExecutor executor, WatchStreams streams, DeliveryStats stats, RSocketLimits limits) {
        this.executor = executor;
        this.streams = streams;
        this.stats = stats;
        this.outboxLimits = limits.outbox();
        this.maxCommandLength = limits.maxCommandLength();
        this.budget = limits.connections();
    }

    @ConnectMapping
    public Mono<Void> connect(
            RSocketRequester requester, @Header(name = RSocketLogin.HEADER, required = false) String login) {
        if (!budget.tryAcquire(ConnectionBudget.Door.RSOCKET)) {
            // refused at SETUP: the client gets a REJECTED_SETUP error frame, then the close
            BadInputLog.shared().warn("rsocket connection refused", "too many connections (NUN_MAX_CONNECTIONS)");
            return Mono.error(new RejectedSetupException("too many connections"));
        }
        PushedMessages pushed = new PushedMessages(outboxLimits, stats);
        Session session = new Session("rsocket", pushed);
        Connection connection =
                new Connection(session, login, pushed, RSocketMimeTypes.isJson(requester.dataMimeType()));
        connections.put(requester, connection);
        requester
                .rsocket()
                .onClose()
                .doFinally(s -> {
                    budget.release(ConnectionBudget.Door.RSOCKET);
                    connections.remove(requester);
                    executor.close(session);
                })
                // a connection closed by the client ends onClose() with an error: that is normal,
                // and unhandled it was logged at ERROR with a stack trace on every disconnect
                .onErrorComplete()
                .subscribe();
        if (login == null || login.isBlank()) {
            return Mono.empty();
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String command : CommandSplitter.split(login)) {
            chain = chain.thenCompose(x -> executor.execute(session, command)).thenAccept(RSocketController::loginOk);
        }
        return Mono.fromFuture(chain).onErrorMap(e -> {
            Throwable cause =
                    e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            String reason = cause instanceof StreamRefused r ? r.error() : cause.getMessage();
            BadInputLog.shared().warn("rsocket login refused", reason);
            return new RejectedSetupException("login failed: " + reason);
        });
    }

    /** Any failure refuses the login, also a wrong {@code auth} (which NunDB answers on an ok line). */
    private static void loginOk(Response r) {
        if (r instanceof Response.Failure f) {
            throw new StreamRefused(f);
        }
    }

    /**
     * Client errors (a refused login, a watch without login, a malformed request) go back to the
     * client as they are; handled here so Spring does not log each one at ERROR with a stack trace
     * (the refusal is already counted in {@link BadInputLog}, one line per kind per 10 s).
     */
    @MessageExceptionHandler({RejectedSetupException.class, IllegalArgumentException.class})
    public Mono<Void> clientError(Exception e) {
        return Mono.error(e);
    }

    /**
     * A payload the route cannot decode (a {@code watch} whose data is not the JSON it takes):
     * refused with the reason, one WARN line per kind, instead of Spring's ERROR with a stack trace.
     */
    @MessageExceptionHandler(MethodArgumentResolutionException.class)
    public Mono<Void> undecodable(MethodArgumentResolutionException e) {
        BadInputLog.shared().warn("rsocket payload not understood", "refused");
        return Mono.error(new IllegalArgumentException(
                "payload not understood: watch takes JSON {\"keys\":[…],\"current\":…,\"lastEventId\":…}"));
    }

    /** Open RSocket client connections (read by the connection metrics). */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Runs the payload's commands. On a connection whose data MIME type is {@code application/json}
     * each reply is a {@link JsonReplies JSON object} (an array of them when the payload holds
     * several commands); otherwise the reply is NunDB's text: every message, then {@code ok} or
     * {@code error …} per command.
     */
    @MessageMapping("command")
    public Mono<String> command(RSocketRequester requester, @Payload(required = false) String text) {
        Connection connection = connections.get(requester);
        if (connection == null) {
            return Mono.error(new IllegalStateException("connection is not set up"));
        }
        boolean json = connection.json();
        if (text != null && text.length() > maxCommandLength) {
            // as a WebSocket frame: one payload is held to the value/line limit, nothing in it runs
            String why = "payload too large: " + text.length() + " chars, the limit is " + maxCommandLength;
            return Mono.just(json ? JsonReplies.failure(ErrorCode.TOO_LARGE, why) : "error " + why + "\n");
        }
        String payload = RSocketJson.commandText(text, connection.json());
        List<String> commands = CommandSplitter.split(payload == null ? "" : payload);
        if (commands.isEmpty()) {
            commands = List.of(""); // a blank request is an empty command, answered as such
        }
        StringBuilder reply = new StringBuilder();
        List<String> replies = new ArrayList<>(commands.size());
        ReplyBuffer buffer = new ReplyBuffer(outboxLimits);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String command : commands) {
            chain = chain.thenCompose(x -> buffer.isFull()
                    ? CompletableFuture.completedFuture(null)
                    : executor.execute(connection.session(), command).thenAccept(r -> {
                        // the text's size bounds the reply in either form
                        for (String message : r.messages()) {
                            if (!buffer.add(message)) {
                                reply.append(buffer.error());
                                replies.add(JsonReplies.failure(ErrorCode.TOO_LARGE, buffer.reason()));
                                return;
                            }
                            if (!json) {
                                reply.append(message);
                            }
                        }
                        if (json) {
                            replies.add(JsonReplies.of(r));
                        } else {
                            reply.append(Replies.terminal(r));
                        }
                    }));
        }
        boolean several = commands.size() > 1;
        return Mono.fromFuture(chain)
                .then(Mono.fromSupplier(
                        () -> json ? (several ? JsonReplies.array(replies) : replies.get(0)) : reply.toString()))
                .doFinally(signal -> buffer.release());
    }

    /**
     * The connection's pushed text messages ({@code changed …}, {@code changed-version …},
     * {@code removed …}, {@code resolve …}) after {@code watch}/{@code arbiter} commands on this
     * connection, exactly as NunDB sends them on TCP; on a JSON connection each is a JSON string.
     */
    @MessageMapping("messages")
    public Flux<String> messages(RSocketRequester requester) {
        Connection connection = connections.get(requester);
        if (connection == null) {
            return Flux.error(new IllegalStateException("connection is not set up"));
        }
        Flux<String> pushed = connection.pushed().open();
        return connection.json() ? pushed.map(RSocketJson::pushed) : pushed;
    }

    /**
     * Change events as JSON objects, on either kind of connection; the request is JSON or the keys
     * as text ({@link RSocketJson#watchRoute}).
     */
    @MessageMapping("watch")
    public Flux<String> watch(RSocketRequester requester, @Payload(required = false) String request) {
        WatchRoute route;
        try {
            route = RSocketJson.watchRoute(request);
        } catch (IllegalArgumentException e) {
            BadInputLog.shared().warn("rsocket watch request refused", "not valid JSON");
            return Flux.error(e);
        }
        Connection connection = connections.get(requester);
        String login = route.login() != null ? route.login() : connection == null ? null : connection.login();
        if (login == null || login.isBlank()) {
            BadInputLog.shared().warn("rsocket watch without login", "refused");
            return Flux.error(new IllegalArgumentException(
                    "watch needs a login: set it in the setup metadata or in the request's 'login'"));
        }
        List<Command> commands = new ArrayList<>();
        CommandParser parser = new CommandParser();
        try {
            for (String c : CommandSplitter.split(login)) {
                commands.add(parser.parse(c));
            }
        } catch (ProtocolException e) {
            return Flux.error(new IllegalArgumentException(e.getMessage()));
        }
        List<String> keys = route.keys() == null ? List.of() : route.keys();
        return streams.open(new WatchRequest(commands, keys, route.current(), route.lastEventId()))
                .map(RSocketJson::event)
                .onErrorMap(StreamRefused.class, e -> new IllegalArgumentException(e.error()));
    }
}
