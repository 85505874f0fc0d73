package io.nundb.protocol;

import java.util.List;

/** One parsed client command: a record per command of NunDB's text protocol. */
public sealed interface Command {

    /** The command's protocol name, for metrics and logs (aliases map to the main name). */
    String name();

    /**
     * A command that changes replicated state: it runs on the primary (a secondary forwards it).
     * {@code snapshot} is not one: each node snapshots its own files.
     */
    sealed interface Mutating extends Command {}

    record Auth(String user, String password) implements Command {
        public String name() {
            return "auth";
        }

        @Override
        public String toString() {
            return "Auth[user=" + user + ", password=****]";
        }
    }

    /** {@code use-db db token} ({@code user} null) or {@code use-db db user token}. */
    record UseDb(String db, String user, String token) implements Command {
        public String name() {
            return "use-db";
        }
    }

    record CreateDb(String db, String token, String strategy) implements Mutating {
        public String name() {
            return "create-db";
        }
    }

    record CreateUser(String user, String token) implements Mutating {
        public String name() {
            return "create-user";
        }
    }

    record SetPermissions(String user, String spec) implements Mutating {
        public String name() {
            return "set-permissions";
        }
    }

    record Get(String key) implements Command {
        public String name() {
            return "get";
        }
    }

    record GetSafe(String key) implements Command {
        public String name() {
            return "get-safe";
        }
    }

    record Set(String key, String value) implements Mutating {
        public String name() {
            return "set";
        }
    }

    record SetSafe(String key, int version, String value) implements Mutating {
        public String name() {
            return "set-safe";
        }
    }

    record Remove(String key) implements Mutating {
        public String name() {
            return "remove";
        }
    }

    record Increment(String key, long by) implements Mutating {
        public String name() {
            return "increment";
        }
    }

    record Keys(String pattern) implements Command {
        public String name() {
            return "keys";
        }
    }

    record Watch(String key) implements Command {
        public String name() {
            return "watch";
        }
    }

    record Unwatch(String key) implements Command {
        public String name() {
            return "unwatch";
        }
    }

    record UnwatchAll() implements Command {
        public String name() {
            return "unwatch-all";
        }
    }

    /** {@code snapshot [reclaim] [db1|db2…]}; an empty list means the selected database. */
    record Snapshot(boolean reclaim, List<String> dbs) implements Command {
        public String name() {
            return "snapshot";
        }
    }

    record Arbiter() implements Command {
        public String name() {
            return "arbiter";
        }
    }

    record Resolve(long oppId, String db, String key, int version, String value) implements Mutating {
        public String name() {
            return "resolve";
        }
    }

    /** {@code ping}: answers {@code pong}, with no login, for clients and load balancers. */
    record Ping() implements Command {
        public String name() {
            return "ping";
        }
    }

    record ClusterState() implements Command {
        public String name() {
            return "cluster-state";
        }
    }

    record MetricsState() implements Command {
        public String name() {
            return "metrics-state";
        }
    }

    record ListCommands() implements Command {
        public String name() {
            return "list-commands";
        }
    }

    record Debug(String sub) implements Command {
        public String name() {
            return "debug";
        }
    }

    record Join(String address) implements Command {
        public String name() {
            return "join";
        }
    }

    record Leave(String address) implements Command {
        public String name() {
            return "leave";
        }
    }

    /** Admin form of {@code set-safe} on a named database. */
    record Replicate(String db, String key, int version, String value) implements Mutating {
        public String name() {
            return "replicate";
        }
    }

    record ReplicateRemove(String db, String key) implements Mutating {
        public String name() {
            return "replicate-remove";
        }
    }

    record ReplicateIncrement(String db, String key, long by) implements Mutating {
        public String name() {
            return "replicate-increment";
        }
    }

    record ReplicateSnapshot(List<String> dbs, boolean reclaim) implements Command {
        public String name() {
            return "replicate-snapshot";
        }
    }
}
