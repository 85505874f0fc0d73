package io.nundb.transport.rest;

import io.nundb.cluster.ClusterMember;
import io.nundb.watch.WatchRegistry;
import java.util.List;
import java.util.Map;

/**
 * The admin's view of this node ({@code GET /api/v1/node}): what the console's admin page shows.
 *
 * @param connections open client connections per transport, as the {@code nundb_connections_open}
 *     meter counts them
 * @param watchCount (connection, key) watch registrations
 * @param cluster null when this node is not clustered
 */
record NodeView(
        List<ApiModels.DbInfo> dbs,
        Map<String, Long> connections,
        long watchCount,
        List<WatchRegistry.WatchedKey> watches,
        Cluster cluster) {

    /** This node's part in the cluster: {@code ClusterNode.status()} and the members. */
    record Cluster(
            String self,
            String role,
            String primary,
            long term,
            long commitIndex,
            long appliedIndex,
            long lastIndex,
            boolean ready,
            String ack,
            List<ClusterMember> members) {}
}
