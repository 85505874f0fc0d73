package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.CommandParser;
import io.nundb.protocol.CommandRenderer;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.ProtocolException;
import io.nundb.protocol.Response;
import io.nundb.security.AdminCredentials;
import io.nundb.security.LoginThrottle;
import io.nundb.security.SecretVerifier;
import io.nundb.storage.Databases;
import io.nundb.watch.WatchRegistry;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single door into the engine: every transport hands it one command text at a time per
 * session and writes back the {@link Response}. Reads answer at once; writes answer once the
 * change is durable and applied. Never throws: any failure becomes an {@code error …} reply.
 */
public final class CommandExecutor {

    private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

    private final CommandParser parser = new CommandParser();
    private final SessionCommands sessions;
    private final LoginAttempts logins = new LoginAttempts(new LoginThrottle(), System::currentTimeMillis);
    private final ConflictCommands conflictCommands;
    private final DataCommands data;
    private final AdminCommands admin;
    private final CommandObserver observer;
    private final WritePlacement placement;
    private final SecretWrites secrets;
    private final MovingAverage commandTime = new MovingAverage(100);

    public CommandExecutor(
            Databases databases, WatchRegistry watches, AdminCredentials credentials, EnginePorts ports) {
        Access access = new Access(databases);
        Conflicts conflicts = new Conflicts(watches, databases.oppIds());
        Writes writes = new Writes(conflicts);
        SecretVerifier verifier = SecretVerifier.shared();
        this.sessions = new SessionCommands(databases, credentials, verifier, watches, access);
        this.secrets = new SecretWrites(databases, verifier, credentials.hashIterations());
        this.conflictCommands = new ConflictCommands(databases, access, conflicts);
        this.data = new DataCommands(access, writes, watches);
        this.admin = new AdminCommands(databases, access, writes, data, conflicts, ports, commandTime);
        this.observer = ports.observer();
        this.placement = ports.placement();
    }

    /** Parses and runs one command text. */
    public CompletableFuture<Response> execute(Session session, String text) {
        Command command;
        try {
            command = parser.parse(text == null ? "" : text);
        } catch (ProtocolException e) {
            observer.observe("invalid", Response.Outcome.ERROR, 0);
            return CompletableFuture.completedFuture(Response.error(ErrorCode.BAD_REQUEST, e.getMessage()));
        }
        return execute(session, command);
    }

    /**
     * Runs one command of the session. A session's commands take effect in the order they come:
     * a change is only visible once applied, so a command that comes while the session's earlier
     * ones are not answered yet waits for them — except a data write behind data writes, which the
     * write pipeline keeps in order by itself (pipelined writes still share one group commit).
     */
    public CompletableFuture<Response> execute(Session session, Command command) {
        CompletableFuture<Response> before = session.unfinished();
        boolean dataWrite = isDataWrite(command);
        boolean waiting = before != null && !before.isDone();
        if (waiting && !(dataWrite && session.unfinishedAreDataWrites())) {
            CompletableFuture<Response> after = before.handle((r, e) -> null).thenCompose(x -> run(session, command));
            session.unfinished(after, false);
            return after;
        }
        CompletableFuture<Response> result = run(session, command);
        if (!result.isDone()) {
            session.unfinished(result, dataWrite);
        }
        return result;
    }

    /**
     * Changes of keys of the selected database: ordered by the write pipeline itself. A write of a
     * secret is not one: it waits for its hash, so the commands after it must wait for it.
     */
    private static boolean isDataWrite(Command c) {
        return (c instanceof Command.Set
                        || c instanceof Command.SetSafe
                        || c instanceof Command.Remove
                        || c instanceof Command.Increment)
                && !SecretWrites.storesSecret(c);
    }

    private CompletableFuture<Response> run(Session session, Command command) {
        long start = System.nanoTime();
        CompletableFuture<Response> result;
        try {
            result = session.isClosed() ? done(SessionCommands.CLOSED) : dispatch(session, command);
        } catch (RuntimeException e) {
            log.error("command {} failed on {}", command.name(), session, e);
            result = CompletableFuture.completedFuture(Response.error(
                    ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName()));
        }
        if (result.isDone() && !result.isCompletedExceptionally()) {
            record(command, result.getNow(null), start);
            return result;
        }
        // A handler's future should not fail; if one does, the client still gets its one reply.
        return result.handle((r, e) -> {
            Response response = r;
            if (e != null) {
                log.error("command {} failed on {}", command.name(), session, e);
                response = Response.error(ErrorCode.INTERNAL, "internal error: " + Results.causeText(e));
            }
            record(command, response, start);
            return response;
        });
    }

    /**
     * Whether the session may still read {@code key} of its database: its login has not been
     * revoked (secret changed or removed) and its permissions allow it. For streams that deliver
     * changes outside the watch registry; any thread, non-blocking.
     */
    public boolean mayStillRead(Session session, String key) {
        String db = session.db();
        return db != null && sessions.mayStillRead(session, db, key);
    }

    /** The connection closed: its watches and its place in {@code $connections} go. */
    public void close(Session session) {
        sessions.close(session);
    }

    private void record(Command command, Response response, long start) {
        long nanos = System.nanoTime() - start;
        commandTime.add(nanos / 1_000_000.0);
        observer.observe(command.name(), response == null ? Response.Outcome.ERROR : response.outcome(), nanos);
    }

    private CompletableFuture<Response> dispatch(Session s, Command c) {
        if (s.isAdmin() && SecretWrites.storesSecret(c)) {
            // the secret is hashed first, so only its hash is placed, forwarded and logged
            return secrets.protect(s, c)
                    .handle((hashed, e) -> hashed)
                    .thenCompose(hashed -> hashed == null
                            ? done(Response.error(ErrorCode.UNAVAILABLE, "busy: too many secrets being hashed, retry"))
                            : place(s, hashed));
        }
        return place(s, c);
    }

    private CompletableFuture<Response> place(Session s, Command c) {
        if (c instanceof Command.Mutating m) {
            WritePlacement.Placement where = placement.place(s, m);
            if (where instanceof WritePlacement.Forward f) {
                return placement.forward(s, f.primary(), CommandRenderer.render(c));
            }
            if (where instanceof WritePlacement.Refuse r) {
                return done(Response.error(ErrorCode.NO_PRIMARY, r.reason()));
            }
            return placement.decidedHere(s, runHere(s, c));
        }
        return runHere(s, c);
    }

    private CompletableFuture<Response> runHere(Session s, Command c) {
        if (c instanceof Command.Get g) {
            return done(data.get(s, g.key()));
        } else if (c instanceof Command.GetSafe g) {
            return done(data.getSafe(s, g.key()));
        } else if (c instanceof Command.Set w) {
            return data.set(s, w.key(), -1, w.value());
        } else if (c instanceof Command.SetSafe w) {
            return data.set(s, w.key(), w.version(), w.value());
        } else if (c instanceof Command.Remove r) {
            return data.remove(s, r.key());
        } else if (c instanceof Command.Increment i) {
            return data.increment(s, i.key(), i.by());
        } else if (c instanceof Command.Keys k) {
            return done(data.keys(s, k.pattern()));
        } else if (c instanceof Command.Watch w) {
            return done(sessions.watch(s, w.key()));
        } else if (c instanceof Command.Unwatch u) {
            return done(sessions.unwatch(s, u.key()));
        } else if (c instanceof Command.UnwatchAll) {
            return done(sessions.unwatchAll(s));
        } else if (c instanceof Command.Auth a) {
            return logins.attempt(s, c, () -> sessions.auth(s, a.user(), a.password()));
        } else if (c instanceof Command.UseDb u) {
            return logins.attempt(s, c, () -> sessions.useDb(s, u.db(), u.user(), u.token()));
        } else if (c instanceof Command.Arbiter) {
            return done(conflictCommands.arbiter(s));
        } else if (c instanceof Command.Resolve r) {
            return conflictCommands.resolve(s, r);
        } else if (c instanceof Command.CreateDb cd) {
            return admin.createDb(s, cd);
        } else if (c instanceof Command.CreateUser cu) {
            return admin.createUser(s, cu.user(), cu.token());
        } else if (c instanceof Command.SetPermissions sp) {
            return admin.setPermissions(s, sp.user(), sp.spec());
        } else if (c instanceof Command.Snapshot sn) {
            return admin.snapshot(s, sn);
        } else if (c instanceof Command.ReplicateSnapshot rs) {
            return admin.replicateSnapshot(s, rs);
        } else if (c instanceof Command.Replicate r) {
            return admin.replicate(s, r);
        } else if (c instanceof Command.ReplicateRemove r) {
            return admin.replicateRemove(s, r);
        } else if (c instanceof Command.ReplicateIncrement r) {
            return admin.replicateIncrement(s, r);
        } else if (c instanceof Command.Ping) {
            return done(Response.ok("pong\n"));
        } else if (c instanceof Command.ClusterState) {
            return done(admin.clusterState(s));
        } else if (c instanceof Command.MetricsState) {
            return done(admin.metricsState(s));
        } else if (c instanceof Command.ListCommands) {
            return done(admin.listCommands(s));
        } else if (c instanceof Command.Debug d) {
            return done(admin.debug(s, d.sub()));
        } else if (c instanceof Command.Join j) {
            return admin.join(s, j.address());
        } else if (c instanceof Command.Leave l) {
            return admin.leave(s, l.address());
        }
        throw new IllegalStateException("no handler for " + c.name());
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
