package io.nundb.cluster;

/**
 * One member as this node sees it, for the admin view.
 *
 * @param role {@code Primary}, {@code Secondary} or {@code StartingUp} (no primary known), as in
 *     {@code cluster-state}
 * @param connected whether this node has a live link to it (always true for itself)
 * @param lagEntries entries the primary has that this member has not confirmed; null unless this
 *     node is the primary and the member is a peer
 */
public record ClusterMember(String id, boolean self, String role, boolean connected, Long lagEntries) {}
