package io.nundb.metrics;

import java.util.List;
import java.util.Set;

/**
 * Every meter name and tag of the server, in one place so dashboards, docs and code agree. Names are
 * Micrometer's dotted form; Prometheus shows them with underscores and a unit suffix (for example
 * {@code nundb.commands} becomes {@code nundb_commands_seconds_count}).
 */
public final class MeterNames {

    private MeterNames() {}

    /** Timer: every executed command, tagged {@link #TAG_COMMAND} and {@link #TAG_OUTCOME}. */
    public static final String COMMANDS = "nundb.commands";

    /** Gauge: open client connections, tagged {@link #TAG_TRANSPORT}. */
    public static final String CONNECTIONS_OPEN = "nundb.connections.open";

    /** Gauge: (connection, key) watch registrations. */
    public static final String WATCHES_ACTIVE = "nundb.watches.active";

    /** Counter: notification messages queued to watchers. */
    public static final String NOTIFICATIONS_SENT = "nundb.notifications.sent";

    /** Counter: notification messages not delivered because the receiver's buffer was full. */
    public static final String NOTIFICATIONS_DROPPED = "nundb.notifications.dropped";

    /** Counter: connections closed because they did not read their messages fast enough. */
    public static final String SLOW_CONSUMERS_DISCONNECTED = "nundb.slow.consumers.disconnected";

    /** Gauge: user databases (the internal {@code $admin} database not counted). */
    public static final String DATABASES = "nundb.databases";

    /** Gauge: stored entries over all user databases (tombstones and internal {@code $} keys included). */
    public static final String KEYS = "nundb.keys";

    /** Gauge: op-log size in bytes, as {@code metrics-state} reports it (from the storage's NodeStats). */
    public static final String OPLOG_BYTES = "nundb.oplog.bytes";

    /** Gauge: replication entries not yet acknowledged by every secondary. */
    public static final String PENDING_OPS = "nundb.replication.pending.ops";

    /** Timer: one op-log fsync (no tags); registered by {@link StorageMetrics}. */
    public static final String OPLOG_FSYNC = "nundb.oplog.fsync";

    /** Timer: one snapshot run, tag {@code reclaim=true|false}; registered by {@link StorageMetrics}. */
    public static final String SNAPSHOT_DURATION = "nundb.snapshot.duration";

    /** Gauge: 1 while the op log can store writes, 0 after a disk failure (writes answer an error). */
    public static final String STORAGE_WRITABLE = "nundb.storage.writable";

    public static final String TAG_COMMAND = "command";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_TRANSPORT = "transport";

    /** Command tag values; anything else is counted as {@link #OTHER_COMMAND}. */
    public static final Set<String> COMMAND_NAMES = Set.of(
            "auth",
            "use-db",
            "create-db",
            "create-user",
            "set-permissions",
            "get",
            "get-safe",
            "set",
            "set-safe",
            "remove",
            "increment",
            "keys",
            "watch",
            "unwatch",
            "unwatch-all",
            "snapshot",
            "arbiter",
            "resolve",
            "cluster-state",
            "metrics-state",
            "list-commands",
            "debug",
            "join",
            "leave",
            "replicate",
            "replicate-remove",
            "replicate-increment",
            "replicate-snapshot",
            "invalid");

    public static final String OTHER_COMMAND = "other";

    /** Transport tag values that always have a connection gauge (at 0 until used). */
    public static final List<String> TRANSPORTS = List.of("tcp", "ws", "http", "rsocket");

    public static final String OTHER_TRANSPORT = "other";

    /** 1 on the primary, 0 elsewhere (tag {@code node}). */
    public static final String CLUSTER_ROLE = "nundb.cluster.role";

    public static final String CLUSTER_TERM = "nundb.cluster.term";

    public static final String CLUSTER_COMMIT_INDEX = "nundb.cluster.commit.index";

    public static final String CLUSTER_APPLIED_INDEX = "nundb.cluster.applied.index";

    /** Entries the primary has that a peer has not confirmed (tag {@code peer}; 0 off the primary). */
    public static final String CLUSTER_PEER_LAG = "nundb.cluster.peer.lag.entries";

    /** From the primary's own disk to a majority. */
    public static final String CLUSTER_REPLICATION_LATENCY = "nundb.cluster.replication.latency";

    public static final String CLUSTER_ELECTIONS = "nundb.cluster.elections";

    public static final String CLUSTER_LEADER_CHANGES = "nundb.cluster.leader.changes";

    public static final String CLUSTER_TRUNCATED = "nundb.cluster.truncated.entries";

    public static final String CLUSTER_FORWARDED = "nundb.cluster.forwarded.writes";

    /** 1 when the node knows its primary and has caught up. */
    public static final String CLUSTER_READY = "nundb.cluster.ready";
}
