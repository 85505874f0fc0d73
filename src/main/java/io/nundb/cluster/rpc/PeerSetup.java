package io.nundb.cluster.rpc;

/**
 * What a connecting node says in RSocket's SETUP frame: who it is, and the cluster secret.
 *
 * @param nodeId the sender's node id (its external cluster address)
 * @param secret the cluster secret's UTF-8 bytes
 */
record PeerSetup(String nodeId, byte[] secret) {

    /** Bumped when the wire format changes incompatibly; a node refuses a peer on another version. */
    static final long WIRE_VERSION = 1;
}
