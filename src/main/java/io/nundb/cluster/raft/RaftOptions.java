package io.nundb.cluster.raft;

/**
 * Tuning of a {@link RaftNode}.
 *
 * @param electionTimeoutMillis T: followers wait a random time in [T, 2T) without a leader before an
 *     election; a leader that heard from no majority within T steps down; a follower that heard from
 *     its leader within T refuses votes (leader stickiness)
 * @param heartbeatMillis how often a leader sends heartbeats and retries stalled transfers
 * @param maxEntriesPerAppend entries per AppendEntries
 * @param maxBytesPerAppend bytes per AppendEntries (roughly) and per snapshot chunk
 * @param maxInflight AppendEntries batches in flight per follower before waiting for acks
 */
public record RaftOptions(
        long electionTimeoutMillis,
        long heartbeatMillis,
        int maxEntriesPerAppend,
        long maxBytesPerAppend,
        int maxInflight) {

    public RaftOptions {
        if (electionTimeoutMillis < 2 || heartbeatMillis < 1 || heartbeatMillis >= electionTimeoutMillis) {
            throw new IllegalArgumentException("heartbeat must be shorter than the election timeout");
        }
        if (maxEntriesPerAppend < 1 || maxBytesPerAppend < 1 || maxInflight < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
    }

    /** Defaults from the election timeout ({@code NUN_ELECTION_TIMEOUT}, 1000 ms in NunDB). */
    public static RaftOptions fromElectionTimeout(long electionTimeoutMillis) {
        return new RaftOptions(electionTimeoutMillis, Math.max(1, electionTimeoutMillis / 10), 512, 1 << 20, 8);
    }
}
