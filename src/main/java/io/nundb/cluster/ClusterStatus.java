package io.nundb.cluster;

import io.nundb.cluster.raft.RaftNode;
import java.util.Map;

/**
 * One node's view of the cluster, for metrics, readiness and the admin view.
 *
 * @param lagEntries per peer, how many entries the primary has that the peer has not confirmed
 *     (empty unless this node is the primary)
 * @param replicationMillis moving average of local write → majority on the primary
 */
public record ClusterStatus(
        String self,
        RaftNode.Role role,
        String primary,
        long term,
        long commitIndex,
        long appliedIndex,
        long lastIndex,
        Map<String, Long> lagEntries,
        long elections,
        long leaderChanges,
        long truncatedEntries,
        long forwardedWrites,
        long forwardFailures,
        double replicationMillis,
        boolean ready,
        AckMode ack) {

    public boolean isPrimary() {
        return role == RaftNode.Role.LEADER;
    }

    /** The richer admin view: one line of {@code key=value} pairs, then one line per peer. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("cluster-info self=")
                .append(self)
                .append(" role=")
                .append(role.name().toLowerCase())
                .append(" primary=")
                .append(primary == null ? "none" : primary)
                .append(" term=")
                .append(term)
                .append(" commit=")
                .append(commitIndex)
                .append(" applied=")
                .append(appliedIndex)
                .append(" last=")
                .append(lastIndex)
                .append(" ack=")
                .append(ack.name().toLowerCase())
                .append(" ready=")
                .append(ready)
                .append(" elections=")
                .append(elections)
                .append(" truncated=")
                .append(truncatedEntries)
                .append(" forwarded=")
                .append(forwardedWrites)
                .append('\n');
        lagEntries.forEach((peer, lag) ->
                b.append("peer ").append(peer).append(" lag=").append(lag).append('\n'));
        return b.toString();
    }
}
