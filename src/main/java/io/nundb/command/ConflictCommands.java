package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import io.nundb.security.Names;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import java.util.concurrent.CompletableFuture;

/** arbiter and resolve: the client side of the arbiter strategy (reference 2.3.18, 2.3.19). */
final class ConflictCommands {

    private final Databases databases;
    private final Access access;
    private final Conflicts conflicts;

    ConflictCommands(Databases databases, Access access, Conflicts conflicts) {
        this.databases = databases;
        this.access = access;
        this.conflicts = conflicts;
    }

    Response arbiter(Session session) {
        Database db = access.selected(session);
        if (db == null) {
            return Access.noDbSelected();
        }
        // Locked against close(): a closed connection must not stay registered as an arbiter.
        synchronized (session) {
            if (session.isClosed()) {
                return SessionCommands.CLOSED;
            }
            // Checked when each conflict is sent: a permission change applies at once.
            return conflicts.registerArbiter(
                    db, session.outbox(), key -> session.isAdmin() || access.allowed(db, session.user(), 'r', key));
        }
    }

    /**
     * An admin names the database, anyone else resolves in the selected one. Unlike NunDB, a
     * resolution is checked like the write it is: key validity, secure keys, the user's {@code w}.
     */
    CompletableFuture<Response> resolve(Session session, Command.Resolve c) {
        String invalid = Names.invalidKeyReason(c.key());
        if (invalid != null) {
            return CompletableFuture.completedFuture(Response.error(ErrorCode.BAD_REQUEST, invalid));
        }
        if (session.isAdmin()) {
            Database db = databases.get(c.db());
            return db == null ? CompletableFuture.completedFuture(Access.noDbSelected()) : conflicts.resolve(db, c);
        }
        if (c.key().startsWith(Conflicts.RECORD_PREFIX)) {
            return CompletableFuture.completedFuture(Access.permissionDenied()); // records change only by resolving
        }
        Response denied = access.checkKey(session, c.key(), 'w');
        return denied != null
                ? CompletableFuture.completedFuture(denied)
                : conflicts.resolve(access.selected(session), c);
    }
}
