package io.nundb.transport.http;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.health.FatalErrors;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.protocol.StrictUtf8;
import io.nundb.transport.ClientAddress;
import io.nundb.transport.ReplyBuffer;
import io.nundb.watch.OutboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * NunDB's HTTP door: {@code POST /} with commands in the body, run in order on a fresh session
 * that ends with the request; the reply joins each command's piece with {@code ;}, each piece
 * paired strictly with its own command (compatibility B.5). An error piece cannot be told from a
 * value by its text, so the {@value #FAILED_HEADER} header counts the commands that failed (the
 * {@code nun-db exec} exit code reads it; NunDB's clients ignore it).
 */
@RestController
public class HttpCommandController {

    /** Response header: how many of the request's commands answered with an error. */
    public static final String FAILED_HEADER = "X-NunDB-Failed-Commands";

    private static final MediaType TEXT_UTF8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

    private final CommandExecutor executor;
    private final OutboxLimits limits;
    private final int maxLineLength;

    public HttpCommandController(
            CommandExecutor executor,
            OutboxLimits limits,
            @Value("${nundb.max-line-length:1048576}") int maxLineLength) {
        this.executor = executor;
        this.limits = limits;
        this.maxLineLength = maxLineLength;
    }

    @PostMapping(path = "/", consumes = MediaType.ALL_VALUE)
    public Mono<ResponseEntity<String>> run(ServerHttpRequest request) {
        String source = ClientAddress.of(request.getRemoteAddress());
        return RequestText.read(request)
                .flatMap(body -> runAll(body, source))
                .onErrorResume(
                        RequestText.InvalidUtf8.class,
                        e -> Mono.just(ResponseEntity.badRequest()
                                .contentType(TEXT_UTF8)
                                .body("error " + StrictUtf8.INVALID + "\n")));
    }

    private Mono<ResponseEntity<String>> runAll(String body, String source) {
        List<String> commands = CommandSplitter.split(body);
        // HTTP has no connection to push watch notifications to: they are dropped.
        Session session = new Session("http", message -> false, source);
        List<String> pieces = new ArrayList<>(commands.size());
        int[] failed = {0};
        ReplyBuffer buffer = new ReplyBuffer(limits);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String command : commands) {
            chain = chain.thenCompose(x -> buffer.isFull()
                    ? CompletableFuture.completedFuture(null)
                    : run(session, command).thenAccept(response -> {
                        String piece = Replies.httpPiece(response);
                        pieces.add(buffer.add(piece) ? piece : buffer.error());
                        if (response.outcome() != Response.Outcome.OK) {
                            failed[0]++;
                        }
                    }));
        }
        CompletableFuture<ResponseEntity<String>> reply = chain.handle((x, e) -> {
            if (e != null) {
                FatalErrors.report("HTTP command", e.getCause() == null ? e : e.getCause());
            }
            executor.close(session);
            return ResponseEntity.ok()
                    .contentType(TEXT_UTF8)
                    .header(FAILED_HEADER, Integer.toString(failed[0]))
                    .body(String.join(";", pieces));
        });
        return Mono.fromFuture(reply).doFinally(signal -> buffer.release());
    }

    /** One command, held to the value/line limit of every door ({@code NUN_MAX_VALUE}). */
    private CompletableFuture<Response> run(Session session, String command) {
        if (command.length() > maxLineLength) {
            return CompletableFuture.completedFuture(
                    Response.error("error line too long (limit " + maxLineLength + " bytes)\n"));
        }
        return executor.execute(session, command);
    }
}
