package io.nundb.cluster.raft.sim;

import io.nundb.cluster.raft.RaftStateStore;

/** Term and vote that survive a simulated crash: persisting is instant and always durable. */
final class SimStateStore implements RaftStateStore {

    private long term;
    private String votedFor;

    @Override
    public long currentTerm() {
        return term;
    }

    @Override
    public String votedFor() {
        return votedFor;
    }

    @Override
    public void persist(long newTerm, String newVotedFor) {
        if (newTerm < term) {
            throw new AssertionError("term went back from " + term + " to " + newTerm);
        }
        if (newTerm == term && votedFor != null && !votedFor.equals(newVotedFor)) {
            throw new AssertionError("vote in term " + term + " changed from " + votedFor + " to " + newVotedFor);
        }
        term = newTerm;
        votedFor = newVotedFor;
    }
}
