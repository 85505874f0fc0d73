package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.CommandParser;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Replies;
import io.nundb.protocol.Response;
import io.nundb.security.Names;
import io.nundb.security.Permissions;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.StateDigest;
import io.nundb.storage.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Commands that need the admin flag: databases, users, permissions, snapshots, node state. */
final class AdminCommands {

    private final Databases databases;
    private final Access access;
    private final Writes writes;
    private final DataCommands data;
    private final Conflicts conflicts;
    private final EnginePorts ports;
    private final MovingAverage commandTime;

    AdminCommands(
            Databases databases,
            Access access,
            Writes writes,
            DataCommands data,
            Conflicts conflicts,
            EnginePorts ports,
            MovingAverage commandTime) {
        this.databases = databases;
        this.access = access;
        this.writes = writes;
        this.data = data;
        this.conflicts = conflicts;
        this.ports = ports;
        this.commandTime = commandTime;
    }

    CompletableFuture<Response> createDb(Session session, Command.CreateDb c) {
        if (!session.isAdmin()) {
            return done(Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        if (!Names.validDatabaseName(c.db())) {
            return done(Response.error(ErrorCode.BAD_REQUEST, "Not a valid database name"));
        }
        if (c.token().isEmpty()) {
            return done(Response.error(ErrorCode.BAD_REQUEST, "create-db must be followed by a token"));
        }
        CompletableFuture<Long> durable = databases.create(c.db(), c.token(), Strategy.fromWord(c.strategy()));
        if (durable == null) {
            return done(Response.error(ErrorCode.ALREADY_EXISTS, "database already exists"));
        }
        return Results.whenDurable(durable, Response.ok("create-db success\n"));
    }

    /** create-user and set-permissions: admin (with the secure-key text), then a selected db. */
    CompletableFuture<Response> createUser(Session session, String user, String token) {
        return writeSecure(session, "$$user_" + user, token);
    }

    CompletableFuture<Response> setPermissions(Session session, String user, String spec) {
        return writeSecure(
                session,
                Access.PERMISSION_PREFIX + user,
                Permissions.parse(spec).normalized());
    }

    private CompletableFuture<Response> writeSecure(Session session, String key, String value) {
        if (!session.isAdmin()) {
            return done(Response.error(ErrorCode.PERMISSION_DENIED, Replies.SECURE_KEY));
        }
        Database db = access.selected(session);
        if (db == null) {
            return done(Access.noDbSelected());
        }
        String invalid = Names.invalidKeyReason(key);
        if (invalid != null) {
            return done(Response.error(ErrorCode.BAD_REQUEST, invalid));
        }
        return writes.write(db, key, value, -1);
    }

    CompletableFuture<Response> snapshot(Session session, Command.Snapshot c) {
        if (!session.isAdmin()) {
            return done(Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        List<String> names = c.dbs();
        if (names.isEmpty()) {
            Database db = access.selected(session);
            if (db == null) {
                return done(Response.error(ErrorCode.NO_DB_SELECTED, "No database selected"));
            }
            names = List.of(db.name());
        } else {
            List<String> missing =
                    names.stream().filter(n -> !databases.exists(n)).toList();
            if (missing.size() == 1) {
                return done(Response.error(ErrorCode.NOT_FOUND, missing.get(0) + " is not a valid database name"));
            }
            if (!missing.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                missing.forEach(n -> sb.append(n).append(", "));
                return done(Response.error(ErrorCode.NOT_FOUND, sb + "are not a valid database names"));
            }
        }
        return snapshotNow(names, c.reclaim(), Response.ok());
    }

    CompletableFuture<Response> replicateSnapshot(Session session, Command.ReplicateSnapshot c) {
        if (!session.isAdmin()) {
            return done(Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        List<String> existing = c.dbs().stream().filter(databases::exists).toList();
        Response answer = existing.size() == c.dbs().size()
                ? Response.ok()
                : Response.error(
                        ErrorCode.NOT_FOUND,
                        "Error trying to snapshot database: Database "
                                + c.dbs().stream()
                                        .filter(n -> !databases.exists(n))
                                        .findFirst()
                                        .orElse("")
                                + " not found");
        return existing.isEmpty() ? done(answer) : snapshotNow(existing, c.reclaim(), answer);
    }

    private CompletableFuture<Response> snapshotNow(List<String> names, boolean reclaim, Response answer) {
        return ports.snapshots()
                .snapshot(names, reclaim)
                .handle((v, error) -> error == null
                        ? answer
                        : Response.error(ErrorCode.INTERNAL, "snapshot failed: " + Results.causeText(error)));
    }

    Response clusterState(Session session) {
        return session.isAdmin()
                ? Response.ok(ports.cluster().clusterState())
                : Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH);
    }

    Response metricsState(Session session) {
        if (!session.isAdmin()) {
            return Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH);
        }
        NodeStats s = ports.stats();
        return Response.ok("metrics-state pending_ops: " + s.pendingOps() + ", op_log_file_size: " + s.opLogBytes()
                + ", op_log_count: " + s.opLogRecords() + ",replication_time_moving_avg: "
                + MovingAverage.format(s.replicationTimeMovingAvgMs()) + ", get_query_time_moving_avg: "
                + MovingAverage.format(commandTime.value()) + "\n\n");
    }

    Response listCommands(Session session) {
        if (!session.isAdmin()) {
            return Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH);
        }
        StringBuilder sb = new StringBuilder("commands-list ");
        CommandParser.CLIENT_NAMES.forEach(n -> sb.append(',').append(n));
        return Response.ok(sb.append('\n').toString());
    }

    Response debug(Session session, String sub) {
        if (!session.isAdmin()) {
            return Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH);
        }
        switch (sub) {
            case "pending-ops":
                return Response.ok("pending-ops \n");
            case "pending-conflicts":
            case "pendding-conflitcts": {
                Database db = access.selected(session);
                if (db == null) {
                    return Response.ok(Replies.NO_DB_SELECTED);
                }
                StringBuilder sb = new StringBuilder("conflitcts-list ");
                List<String> pending = conflicts.pendingRecords(db);
                pending.forEach(k -> sb.append(',').append(k));
                return Response.ok(sb.append('\n').toString());
            }
            case "list-dbs": {
                List<Response.Db> dbs = new ArrayList<>();
                databases
                        .all()
                        .forEach(db ->
                                dbs.add(new Response.Db(db.name(), db.strategy().word())));
                dbs.sort(Comparator.comparing(Response.Db::name));
                return new Response.DbList(dbs);
            }
            case "cluster":
                return Response.ok(ports.cluster().details());
            case "digest":
                return Response.ok("digest " + StateDigest.of(databases) + "\n");
            case "force-election":
                ports.cluster().forceElection();
                return Response.ok();
            case "process-info":
                return Response.ok(
                        "process-info \nprocess_id: " + ProcessHandle.current().pid() + "\n");
            default:
                // force-election on a standalone node, and unknown subcommands: nothing to do.
                return Response.ok();
        }
    }

    CompletableFuture<Response> join(Session session, String address) {
        return session.isAdmin()
                ? ports.cluster().join(session, address)
                : CompletableFuture.completedFuture(Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
    }

    CompletableFuture<Response> leave(Session session, String address) {
        return session.isAdmin()
                ? ports.cluster().leave(session, address)
                : CompletableFuture.completedFuture(Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
    }

    /** replicate, replicate-remove, replicate-increment: the plain command on a named database. */
    CompletableFuture<Response> replicate(Session session, Command.Replicate c) {
        Database db = namedDb(session, c.db());
        if (db == null) {
            return done(
                    session.isAdmin()
                            ? Response.error(ErrorCode.NOT_FOUND, "Not a valid database name")
                            : Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        return writes.write(db, c.key(), c.value(), c.version());
    }

    CompletableFuture<Response> replicateRemove(Session session, Command.ReplicateRemove c) {
        Database db = namedDb(session, c.db());
        if (db == null) {
            return done(
                    session.isAdmin()
                            ? Response.error(ErrorCode.NOT_FOUND, "Not a valid database name")
                            : Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        return data.remove(db, c.key());
    }

    CompletableFuture<Response> replicateIncrement(Session session, Command.ReplicateIncrement c) {
        Database db = namedDb(session, c.db());
        if (db == null) {
            return done(
                    session.isAdmin()
                            ? Response.error(ErrorCode.NOT_FOUND, "Not a valid database name")
                            : Response.error(ErrorCode.ADMIN_REQUIRED, Access.NOT_AUTH));
        }
        return data.increment(db, c.key(), c.by());
    }

    private Database namedDb(Session session, String name) {
        return session.isAdmin() ? databases.get(name) : null;
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
