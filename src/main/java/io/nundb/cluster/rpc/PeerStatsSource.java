package io.nundb.cluster.rpc;

import java.util.Map;
import java.util.Set;

/** What the peer transport tells metrics about its links; plain Java so any registry can bind it. */
public interface PeerStatsSource {

    /** One snapshot per peer this node has sent to, keyed by the peer's cluster address. */
    Map<String, PeerStats> peerStats();

    /** Node ids of the peers connected to this node's server now (from their SETUP). */
    Set<String> inboundPeers();

    /** Raft messages received from peers and handed to the inbound handler. */
    long messagesReceived();

    /** Connections refused at setup (wrong or missing secret, unreadable setup). */
    long rejectedConnections();
}
