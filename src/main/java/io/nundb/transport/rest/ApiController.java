package io.nundb.transport.rest;

import io.nundb.command.CommandExecutor;
import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.transport.http.RequestText;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The REST API: databases (admin) and keys (db token or db user). Every call is a short session on
 * the executor, so permissions, validation and durability are exactly those of the text protocol.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class ApiController {

    /** The node's internal database of admin data: listed by {@code debug list-dbs}, not by the API. */
    private static final String ADMIN_DB = "$admin";

    private final EngineCalls engine;

    public ApiController(CommandExecutor executor) {
        this.engine = new EngineCalls(executor);
    }

    @PostMapping(path = "/dbs", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<ApiModels.DbInfo>> createDb(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @RequestBody ApiModels.CreateDb body) {
        if (body == null || body.name() == null || body.token() == null) {
            return Mono.error(Problems.fromCode(ErrorCode.BAD_REQUEST, "name and token are required"));
        }
        String strategy = body.strategy() == null ? "none" : body.strategy();
        if (!List.of("none", "newer", "arbiter").contains(strategy)) {
            return Mono.error(Problems.fromCode(ErrorCode.BAD_REQUEST, "strategy must be none, newer or arbiter"));
        }
        return engine.withSession(
                        Credentials.forAdmin(auth),
                        step -> step.run(new Command.CreateDb(body.name(), body.token(), strategy)))
                // a valid name may hold characters a URI may not ({@code %}, {@code {}, quotes): encode it
                .map(r -> ResponseEntity.created(UriComponentsBuilder.fromPath("/api/v1/dbs/{db}")
                                .buildAndExpand(body.name())
                                .encode()
                                .toUri())
                        .body(new ApiModels.DbInfo(body.name(), strategy)));
    }

    @GetMapping("/dbs")
    public Mono<ApiModels.DbList> listDbs(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth) {
        return engine.withSession(
                        Credentials.forAdmin(auth),
                        step -> step.run(new Command.Debug("list-dbs"), Response.DbList.class))
                .map(r -> {
                    List<ApiModels.DbInfo> dbs = new ArrayList<>();
                    for (Response.Db db : r.dbs()) {
                        if (!db.name().equals(ADMIN_DB)) {
                            dbs.add(new ApiModels.DbInfo(db.name(), db.strategy()));
                        }
                    }
                    return new ApiModels.DbList(dbs);
                });
    }

    @GetMapping("/dbs/{db}/keys")
    public Mono<ApiModels.KeyList> keys(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @PathVariable String db,
            @RequestParam(name = "pattern", defaultValue = "") String pattern) {
        return engine.withSession(
                        Credentials.forDb(auth, db),
                        step -> step.run(new Command.Keys(pattern), Response.KeyList.class))
                .map(r -> new ApiModels.KeyList(r.keys()));
    }

    @GetMapping("/dbs/{db}/keys/{key}")
    public Mono<ResponseEntity<ApiModels.KeyValue>> get(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @PathVariable String db,
            @PathVariable String key) {
        return engine.withSession(Credentials.forDb(auth, db), step -> read(step, key))
                .map(kv -> {
                    if (kv.value() == null) {
                        throw Problems.fromCode(ErrorCode.NOT_FOUND, "no value for key '" + key + "'");
                    }
                    return withEtag(ResponseEntity.ok(), kv);
                });
    }

    /**
     * Stores the request body as the value. With {@code If-Match: "<version>"} the write is
     * versioned ({@code set-safe}): it fails with 412 when the stored version is newer.
     */
    @PutMapping(path = "/dbs/{db}/keys/{key}", consumes = MediaType.ALL_VALUE)
    public Mono<ResponseEntity<ApiModels.KeyValue>> put(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @PathVariable String db,
            @PathVariable String key,
            ServerHttpRequest request) {
        // If-Match is checked after the body is read: a refusal must not leave it unread on a kept-alive connection.
        return RequestText.read(request)
                .flatMap(value -> engine.withSession(Credentials.forDb(auth, db), step -> {
                    Integer expected = parseIfMatch(ifMatch);
                    if (expected != null) {
                        // The stored version, read back: it is not always If-Match + 1.
                        return step.run(new Command.SetSafe(key, expected, value))
                                .then(afterWrite(step, key));
                    }
                    // The version reported is read right after the write; a concurrent writer may have moved it on.
                    return step.run(new Command.Set(key, value)).then(afterWrite(step, key));
                }));
    }

    @DeleteMapping("/dbs/{db}/keys/{key}")
    public Mono<ResponseEntity<Void>> remove(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @PathVariable String db,
            @PathVariable String key) {
        return engine.withSession(Credentials.forDb(auth, db), step -> step.run(new Command.Remove(key)))
                .map(r -> ResponseEntity.noContent().build());
    }

    @PostMapping("/dbs/{db}/keys/{key}/increment")
    public Mono<ResponseEntity<ApiModels.KeyValue>> increment(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String auth,
            @PathVariable String db,
            @PathVariable String key,
            @RequestParam(name = "by", defaultValue = "1") long by) {
        return engine.withSession(
                Credentials.forDb(auth, db),
                step -> step.run(new Command.Increment(key, by)).then(afterWrite(step, key)));
    }

    /**
     * The key as stored after a write. A user who may write the key but not read it (permission
     * {@code w} or {@code i} without {@code r}) gets 204: the write is stored, its result is not
     * theirs to see. (Reading back with the read check made such a write answer 403 although it
     * had been stored.)
     */
    private static Mono<ResponseEntity<ApiModels.KeyValue>> afterWrite(EngineCalls.Step step, String key) {
        return step.raw(new Command.GetSafe(key)).map(r -> {
            if (!(r instanceof Response.Value v)) {
                return ResponseEntity.<ApiModels.KeyValue>noContent().build();
            }
            return withEtag(ResponseEntity.ok(), new ApiModels.KeyValue(key, v.version(), v.value()));
        });
    }

    private static Mono<ApiModels.KeyValue> read(EngineCalls.Step step, String key) {
        return step.run(new Command.GetSafe(key), Response.Value.class)
                .map(v -> new ApiModels.KeyValue(key, v.version(), v.value()));
    }

    private static ResponseEntity<ApiModels.KeyValue> withEtag(
            ResponseEntity.BodyBuilder builder, ApiModels.KeyValue kv) {
        return builder.eTag("\"" + kv.version() + "\"").body(kv);
    }

    private static Integer parseIfMatch(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String v = ifMatch.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        int version;
        try {
            version = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            version = -1;
        }
        // Negative numbers are set-safe's special versions (-1 any, -2 conflict), never an ETag:
        // "-2" would mark the key as in conflict and lock it against plain writes.
        if (version < 0) {
            throw Problems.fromCode(ErrorCode.BAD_REQUEST, "If-Match must be a key version such as \"3\"");
        }
        return version;
    }
}
