package io.nundb.transport.http;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.CommandSplitter;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    public HttpCommandController(CommandExecutor executor) {
        this.executor = executor;
    }

    @PostMapping(path = "/", consumes = MediaType.ALL_VALUE)
    public Mono<ResponseEntity<String>> run(ServerHttpRequest request) {
        return RequestText.read(request).flatMap(this::runAll);
    }

    private Mono<ResponseEntity<String>> runAll(String body) {
        List<String> commands = CommandSplitter.split(body);
        // HTTP has no connection to push watch notifications to: they are dropped.
        Session session = new Session("http", message -> false);
        List<String> pieces = new ArrayList<>(commands.size());
        int[] failed = {0};
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String command : commands) {
            chain = chain.thenCompose(x -> executor.execute(session, command)).thenAccept(response -> {
                pieces.add(Replies.httpPiece(response));
                if (response.outcome() != Response.Outcome.OK) {
                    failed[0]++;
                }
            });
        }
        CompletableFuture<ResponseEntity<String>> reply = chain.handle((x, e) -> {
            executor.close(session);
            return ResponseEntity.ok()
                    .contentType(TEXT_UTF8)
                    .header(FAILED_HEADER, Integer.toString(failed[0]))
                    .body(String.join(";", pieces));
        });
        return Mono.fromFuture(reply);
    }
}
