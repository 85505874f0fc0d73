package io.nundb.transport.stream;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.watch.ChangeFeed;
import io.nundb.watch.OutboxLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Opens resumable watch streams for SSE and RSocket. Authentication and the read-permission check
 * go through the {@link CommandExecutor}; changes come from the {@link ChangeFeed}. The live
 * subscription starts before the current values or missed changes are read, and a live change the
 * initial events already covered is not sent again (see {@link #isNew}), so nothing falls in the
 * gap and nothing arrives twice. A stream too slow for its buffer ends with an {@code error} event.
 */
public final class WatchStreams {

    private final CommandExecutor executor;
    private final ChangeFeed feed;
    private final OutboxLimits limits;

    /** The reason in the last event of a stream whose permission or login was revoked. */
    static final String REVOKED = "permission denied: the stream's login or read permission was revoked";

    public WatchStreams(CommandExecutor executor, ChangeFeed feed, OutboxLimits limits) {
        this.executor = executor;
        this.feed = feed;
        this.limits = limits;
    }

    /** The stream; fails with {@link StreamRefused} when the login or a key check fails. */
    public Flux<StreamEvent> open(WatchRequest request) {
        return Flux.defer(() -> {
            if (request.keys().isEmpty()) {
                return Flux.error(new StreamRefused(ErrorCode.BAD_REQUEST, "no key to watch"));
            }
            Session session = new Session("stream", message -> true);
            return Mono.fromFuture(authorize(session, request))
                    .flatMapMany(selector -> stream(session, selector, request))
                    .doFinally(signal -> executor.close(session));
        });
    }

    private CompletableFuture<ChangeFeed.Selector> authorize(Session session, WatchRequest request) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Command c : request.login()) {
            chain = chain.thenCompose(x -> executor.execute(session, c)).thenAccept(WatchStreams::requireOk);
        }
        for (String key : request.keys()) {
            // The engine's own watch check decides read permission; the feed does the delivery.
            chain = chain.thenCompose(x -> executor.execute(session, new Command.Watch(key)))
                    .thenAccept(WatchStreams::requireOk)
                    .thenCompose(x -> executor.execute(session, new Command.Unwatch(key)))
                    .thenAccept(r -> {});
        }
        return chain.thenApply(x -> {
            if (session.db() == null) {
                throw new StreamRefused(ErrorCode.NO_DB_SELECTED, "error no-db-selected");
            }
            List<String> exact = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            for (String key : request.keys()) {
                if (key.endsWith("*")) {
                    prefixes.add(key.substring(0, key.length() - 1));
                } else {
                    exact.add(key);
                }
            }
            return new ChangeFeed.Selector(session.db(), exact, prefixes);
        });
    }

    /** Any failure refuses the stream, also a wrong {@code auth} (which NunDB answers on an ok line). */
    private static void requireOk(Response r) {
        if (r instanceof Response.Failure f) {
            throw new StreamRefused(f);
        }
    }

    private Flux<StreamEvent> stream(Session session, ChangeFeed.Selector selector, WatchRequest request) {
        boolean single = selector.keys().size() == 1 && selector.prefixes().isEmpty();
        LiveBuffer live = new LiveBuffer(limits);
        ChangeFeed.Subscription subscription = feed.subscribe(selector, change -> {
            // Checked per change: a revoked permission or changed token ends the stream at once.
            if (executor.mayStillRead(session, change.key())) {
                live.offer(change);
            } else {
                live.end(ErrorCode.PERMISSION_DENIED, REVOKED);
            }
        });
        Map<String, Integer> sent = new HashMap<>();
        AtomicLong gapEnd = new AtomicLong(Long.MAX_VALUE);
        return Mono.fromFuture(initial(session, selector, request, single))
                .doOnNext(events -> {
                    // Live changes up to here may already be in the initial events; later ones are all new.
                    gapEnd.set(feed.latestSeq(selector.db()));
                    events.forEach(e -> remember(sent, e));
                })
                .flatMapMany(Flux::fromIterable)
                .startWith(StreamEvent.READY_EVENT)
                .concatWith(
                        live.changes().filter(c -> isNew(sent, c, gapEnd.get())).map(c -> toEvent(c, single)))
                .concatWith(live.endingEvent())
                // a read of the initial values refused after the check (a permission changed in
                // between) comes after the ready event, when a door can no longer refuse the
                // stream: it ends it with an error event, as a later revocation does
                .onErrorResume(StreamRefused.class, e -> Mono.just(StreamEvent.error(e.code(), e.error())))
                .doFinally(signal -> subscription.close());
    }

    private static void remember(Map<String, Integer> sent, StreamEvent e) {
        if (e.id() != null) {
            sent.put(e.key(), e.version());
        }
    }

    /**
     * A live change is passed on unless the initial events already covered it: only changes the
     * feed had numbered before the initial events were read can be covered, and of those only ones
     * not newer than what was sent. Later changes always pass, even when a key's version went
     * backwards ({@code snapshot true}, {@code set-safe k -2} then {@code remove}).
     */
    private static boolean isNew(Map<String, Integer> sent, ChangeFeed.Change c, long gapEnd) {
        Integer last = sent.get(c.key());
        boolean covered = c.seq() <= gapEnd && last != null && c.version() <= last;
        if (covered) {
            return false;
        }
        sent.put(c.key(), c.version());
        return true;
    }

    private CompletableFuture<List<StreamEvent>> initial(
            Session session, ChangeFeed.Selector selector, WatchRequest request, boolean single) {
        String lastId = request.lastEventId();
        if (lastId != null && !lastId.isBlank()) {
            ResumePoint at =
                    ResumePoint.parse(lastId.strip(), single ? selector.keys().get(0) : null);
            if (at != null) {
                Optional<List<ChangeFeed.Change>> missed = feed.since(selector, at.key(), at.version());
                if (missed.isPresent()) {
                    List<StreamEvent> events = new ArrayList<>();
                    missed.get().forEach(c -> events.add(toEvent(c, single)));
                    return CompletableFuture.completedFuture(events);
                }
                if (single) {
                    return current(session, at.key(), StreamEvent.RESYNC, true)
                            .thenApply(e -> e.version() == at.version() && e.value() != null ? List.of() : List.of(e));
                }
            }
            return currentAll(session, selector, StreamEvent.RESYNC, single);
        }
        if (request.current()) {
            return currentAll(session, selector, StreamEvent.CURRENT, single);
        }
        return CompletableFuture.completedFuture(List.of());
    }

    private CompletableFuture<List<StreamEvent>> currentAll(
            Session session, ChangeFeed.Selector selector, String type, boolean single) {
        CompletableFuture<Set<String>> keys = CompletableFuture.completedFuture(new LinkedHashSet<>(selector.keys()));
        for (String prefix : selector.prefixes()) {
            // keys drops every '*' of its pattern ("x*y*" would list "xyz", not "x*yz"), but the
            // stream takes the prefix as written, and only its keys passed the read check: ask
            // for the keys under the part before any '*' and keep those under the whole prefix
            int star = prefix.indexOf('*');
            String head = star < 0 ? prefix : prefix.substring(0, star);
            keys = keys.thenCombine(executor.execute(session, new Command.Keys(head + "*")), (set, r) -> {
                if (r instanceof Response.KeyList found) {
                    for (String k : found.keys()) {
                        if (k.startsWith(prefix) && !k.startsWith("$$")) {
                            set.add(k);
                        }
                    }
                }
                return set;
            });
        }
        return keys.thenCompose(set -> {
            CompletableFuture<List<StreamEvent>> all = CompletableFuture.completedFuture(new ArrayList<>());
            for (String key : set) {
                all = all.thenCombine(current(session, key, type, single), (list, e) -> {
                    list.add(e);
                    return list;
                });
            }
            return all;
        });
    }

    private CompletableFuture<StreamEvent> current(Session session, String key, String type, boolean single) {
        return executor.execute(session, new Command.GetSafe(key)).thenApply(r -> {
            requireOk(r);
            if (!(r instanceof Response.Value vv)) {
                throw new IllegalStateException("get-safe answered " + r);
            }
            int version = vv.version();
            String value = vv.value();
            if (value == null) {
                return new StreamEvent(type, key, version, null, null);
            }
            return new StreamEvent(type, key, version, value, id(key, version, single));
        });
    }

    private static StreamEvent toEvent(ChangeFeed.Change c, boolean single) {
        return new StreamEvent(
                c.removed() ? StreamEvent.REMOVE : StreamEvent.CHANGE,
                c.key(),
                c.version(),
                c.value(),
                id(c.key(), c.version(), single));
    }

    private static String id(String key, int version, boolean single) {
        return single ? Integer.toString(version) : key + ":" + version;
    }

    /** Where a client left off: the last event's key and version. */
    record ResumePoint(String key, int version) {

        static ResumePoint parse(String id, String singleKey) {
            try {
                if (singleKey != null && id.indexOf(':') < 0) {
                    return new ResumePoint(singleKey, Integer.parseInt(id));
                }
                int colon = id.lastIndexOf(':');
                if (colon <= 0) {
                    return null;
                }
                return new ResumePoint(id.substring(0, colon), Integer.parseInt(id.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
