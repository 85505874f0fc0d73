package io.nundb.storage.oplog;

/** A leader-only append reached an op log that follows another node (the node stepped down). */
public final class NotLeaderException extends IllegalStateException {

    public NotLeaderException(long term) {
        super("this node is not the leader (term " + term + "): its op log only takes replicated entries");
    }
}
