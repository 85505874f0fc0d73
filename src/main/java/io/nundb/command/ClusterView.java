package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;
import java.util.concurrent.CompletableFuture;

/** What the engine needs to know of the cluster; the cluster package implements it. */
public interface ClusterView {

    /** The {@code cluster-state …\n} message. */
    String clusterState();

    /**
     * {@code join <addr>} (admin): adds a member through the replicated log; the answer comes once
     * the change is committed (forwarded to the primary from a secondary).
     */
    CompletableFuture<Response> join(Session session, String address);

    /** {@code leave <addr>} (admin): removes a member, as {@link #join} adds one. */
    CompletableFuture<Response> leave(Session session, String address);

    /** The admin view ({@code debug cluster}): term, indexes and each member's lag. */
    default String details() {
        return "cluster-info standalone\n";
    }

    /** {@code debug force-election}: nothing to do alone. */
    default void forceElection() {}

    /** A node on its own: it is the primary. */
    static ClusterView standalone(String name) {
        return new ClusterView() {
            @Override
            public String clusterState() {
                return "cluster-state  " + name + "(self):Primary ,\n";
            }

            @Override
            public CompletableFuture<Response> join(Session session, String address) {
                return CompletableFuture.completedFuture(
                        Response.error(ErrorCode.UNAVAILABLE, "clustering is not enabled on this node"));
            }

            @Override
            public CompletableFuture<Response> leave(Session session, String address) {
                return CompletableFuture.completedFuture(
                        Response.error(ErrorCode.UNAVAILABLE, "clustering is not enabled on this node"));
            }
        };
    }
}
