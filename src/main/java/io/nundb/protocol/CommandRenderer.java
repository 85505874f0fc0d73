package io.nundb.protocol;

import java.util.List;

/**
 * Turns a {@link Command} back into the text {@link CommandParser} reads, so that a secondary can
 * forward a command to the primary as text. {@code parse(render(c))} equals {@code c} for every
 * command the parser produces, except for values that end in {@code ;} (the protocol strips them
 * from the line), a {@code replicate-remove} of the empty key and a {@code replicate-snapshot} of
 * no database.
 */
public final class CommandRenderer {

    private CommandRenderer() {}

    public static String render(Command c) {
        if (c instanceof Command.Set w) {
            return "set " + w.key() + " " + w.value();
        } else if (c instanceof Command.SetSafe w) {
            return "set-safe " + w.key() + " " + w.version() + " " + w.value();
        } else if (c instanceof Command.Remove r) {
            return "remove " + r.key();
        } else if (c instanceof Command.Increment i) {
            return "increment " + i.key() + " " + i.by();
        } else if (c instanceof Command.CreateDb cd) {
            return "create-db " + cd.db() + " " + cd.token() + " " + cd.strategy();
        } else if (c instanceof Command.CreateUser cu) {
            return "create-user " + cu.user() + " " + cu.token();
        } else if (c instanceof Command.SetPermissions sp) {
            return "set-permissions " + sp.user() + " " + sp.spec();
        } else if (c instanceof Command.Resolve r) {
            return "resolve " + Long.toUnsignedString(r.oppId()) + " " + r.db() + " " + r.key() + " " + r.version()
                    + " " + r.value();
        } else if (c instanceof Command.Replicate r) {
            return "replicate " + r.db() + " " + r.key() + " " + r.version() + " " + r.value();
        } else if (c instanceof Command.ReplicateRemove r) {
            return "replicate-remove " + r.db() + " " + r.key();
        } else if (c instanceof Command.ReplicateIncrement r) {
            return "replicate-increment " + r.db() + " " + r.key() + " " + r.by();
        }
        return renderOther(c);
    }

    private static String renderOther(Command c) {
        if (c instanceof Command.Get g) {
            return "get " + g.key();
        } else if (c instanceof Command.GetSafe g) {
            return "get-safe " + g.key();
        } else if (c instanceof Command.Keys k) {
            return "keys " + k.pattern();
        } else if (c instanceof Command.Watch w) {
            return "watch " + w.key();
        } else if (c instanceof Command.Unwatch u) {
            return "unwatch " + u.key();
        } else if (c instanceof Command.Auth a) {
            return "auth " + a.user() + " " + a.password();
        } else if (c instanceof Command.UseDb u) {
            return "use-db " + u.db() + " " + (u.user() == null ? "" : u.user() + " ") + u.token();
        } else if (c instanceof Command.Snapshot sn) {
            return "snapshot " + sn.reclaim() + (sn.dbs().isEmpty() ? "" : " " + dbList(sn.dbs()));
        } else if (c instanceof Command.ReplicateSnapshot rs) {
            return "replicate-snapshot " + dbList(rs.dbs()) + " " + rs.reclaim();
        } else if (c instanceof Command.Debug d) {
            return "debug " + d.sub();
        } else if (c instanceof Command.Join j) {
            return "join " + j.address();
        } else if (c instanceof Command.Leave l) {
            return "leave " + l.address();
        }
        // the commands without arguments: unwatch-all, arbiter, cluster-state, metrics-state, list-commands
        return c.name();
    }

    private static String dbList(List<String> dbs) {
        return String.join("|", dbs);
    }
}
