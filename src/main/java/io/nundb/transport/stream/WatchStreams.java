package io.nundb.transport.stream;

import io.nundb.command.CommandExecutor;
import io.nundb.command.Session;
import io.nundb.protocol.Command;
import io.nundb.protocol.Response;
import io.nundb.watch.ChangeFeed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * Opens resumable watch streams for SSE and RSocket. Authentication and the read-permission check
 * go through the {@link CommandExecutor}; changes come from the {@link ChangeFeed}. The live
 * subscription starts before the current values or missed changes are read, and each key's events
 * are passed on only when their version is newer than the last one sent, so nothing falls in the
 * gap and nothing arrives twice.
 */
public final class WatchStreams {

    private final CommandExecutor executor;
    private final ChangeFeed feed;
    private final int bufferLimit;

    public WatchStreams(CommandExecutor executor, ChangeFeed feed, int bufferLimit) {
        this.executor = executor;
        this.feed = feed;
        this.bufferLimit = bufferLimit;
    }

    /** The stream; fails with {@link StreamRefused} when the login or a key check fails. */
    public Flux<StreamEvent> open(WatchRequest request) {
        return Flux.defer(() -> {
            if (request.keys().isEmpty()) {
                return Flux.error(new StreamRefused("no key to watch"));
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
                throw new StreamRefused("error no-db-selected");
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

    private static void requireOk(Response r) {
        if (!r.isOk()) {
            throw new StreamRefused(r.error().strip());
        }
        if (!r.messages().isEmpty() && r.messages().get(0).startsWith("invalid auth")) {
            throw new StreamRefused("invalid auth");
        }
    }

    private Flux<StreamEvent> stream(Session session, ChangeFeed.Selector selector, WatchRequest request) {
        boolean single = selector.keys().size() == 1 && selector.prefixes().isEmpty();
        Sinks.Many<ChangeFeed.Change> live = Sinks.many()
                .unicast()
                .onBackpressureBuffer(Queues.<ChangeFeed.Change>get(bufferLimit).get());
        Object emitLock = new Object();
        ChangeFeed.Subscription subscription = feed.subscribe(selector, change -> {
            synchronized (emitLock) {
                if (live.tryEmitNext(change).isFailure()) {
                    live.tryEmitError(new StreamRefused("slow consumer: stream buffer full"));
                }
            }
        });
        Map<String, Integer> sent = new HashMap<>();
        return Mono.fromFuture(initial(session, selector, request, single))
                .flatMapMany(Flux::fromIterable)
                .startWith(StreamEvent.READY_EVENT)
                .concatWith(live.asFlux().map(c -> toEvent(c, single)))
                .filter(e -> isNew(sent, e))
                .doFinally(signal -> subscription.close());
    }

    private static boolean isNew(Map<String, Integer> sent, StreamEvent e) {
        if (e.id() == null) {
            return true; // a missing key: nothing to compare later changes with
        }
        Integer last = sent.get(e.key());
        if (last != null && e.version() <= last) {
            return false;
        }
        sent.put(e.key(), e.version());
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
            keys = keys.thenCombine(executor.execute(session, new Command.Keys(prefix + "*")), (set, r) -> {
                if (r.isOk() && !r.messages().isEmpty()) {
                    for (String k : parseKeys(r.messages().get(0))) {
                        if (!k.startsWith("$$")) {
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
            if (!r.isOk() || r.messages().isEmpty()) {
                throw new StreamRefused(r.isOk() ? "no value" : r.error().strip());
            }
            ValueVersion vv = ValueVersion.parse(r.messages().get(0));
            int version = vv.version();
            String value = vv.value();
            if (value == null) {
                return new StreamEvent(type, key, version, null, null);
            }
            return new StreamEvent(type, key, version, value, id(key, version, single));
        });
    }

    public static List<String> parseKeys(String message) {
        String body = message.strip();
        body = body.startsWith("keys") ? body.substring(4).strip() : body;
        List<String> keys = new ArrayList<>();
        for (String k : body.split(",")) {
            if (!k.isEmpty()) {
                keys.add(k);
            }
        }
        return keys;
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
