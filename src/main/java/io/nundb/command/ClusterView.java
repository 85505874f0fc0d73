package io.nundb.command;

import io.nundb.protocol.ErrorCode;
import io.nundb.protocol.Response;

/** What the engine needs to know of the cluster; the cluster package implements it. */
public interface ClusterView {

    /** The {@code cluster-state …\n} message. */
    String clusterState();

    Response join(String address);

    Response leave(String address);

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
            public Response join(String address) {
                return Response.error(ErrorCode.UNAVAILABLE, "clustering is not enabled on this node");
            }

            @Override
            public Response leave(String address) {
                return Response.error(ErrorCode.UNAVAILABLE, "clustering is not enabled on this node");
            }
        };
    }
}
