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
 * @param quorumCheckMillis a leader that heard from no majority within this steps down (at least T:
 *     a longer window rides out pauses of a loaded machine without deposing a working leader)
 * @param commitNotices a leader tells its followers of each commit at once, with an empty append of
 *     its own, rather than with the next append or heartbeat: followers that apply only committed
 *     entries (majority mode) need it for their latency; where they apply what is durable (lazy mode)
 *     it only costs a message and an ack per follower per commit
 * @param batchLingerMillis under load, how long the next batch to a follower waits for more entries
 *     (0: never waits). A follower's CPU goes mostly per batch (a frame each way, thread hand-offs,
 *     an op-log write, an ack), so while writes pour in, fewer and larger batches carry them for
 *     less; lazy mode only, where nothing waits for the acks
 * @param lingerAfterEntries the load that makes a batch wait: the follower's previous batch carried
 *     at least this many entries (a lone write after a small batch ships at once, so paced writes
 *     reach followers as fast as without the wait)
 * @param maxInflightBehind batches in flight to a follower that a full batch or more waits for (at
 *     least {@code maxInflight}): with one batch per round trip such a follower would fall further
 *     behind for as long as the leader writes faster than that, which lazy mode, whose answers do
 *     not wait for followers, does not stop
 */
public record RaftOptions(
        long electionTimeoutMillis,
        long heartbeatMillis,
        int maxEntriesPerAppend,
        long maxBytesPerAppend,
        int maxInflight,
        long quorumCheckMillis,
        boolean commitNotices,
        long batchLingerMillis,
        int lingerAfterEntries,
        int maxInflightBehind) {

    /** With the quorum checked every election timeout, as in the Raft thesis, and prompt commit notices. */
    public RaftOptions(
            long electionTimeoutMillis,
            long heartbeatMillis,
            int maxEntriesPerAppend,
            long maxBytesPerAppend,
            int maxInflight) {
        this(
                electionTimeoutMillis,
                heartbeatMillis,
                maxEntriesPerAppend,
                maxBytesPerAppend,
                maxInflight,
                electionTimeoutMillis,
                true,
                0,
                1,
                maxInflight);
    }

    public RaftOptions {
        if (quorumCheckMillis < electionTimeoutMillis) {
            throw new IllegalArgumentException("the quorum check cannot be shorter than the election timeout");
        }
        if (electionTimeoutMillis < 2 || heartbeatMillis < 1 || heartbeatMillis >= electionTimeoutMillis) {
            throw new IllegalArgumentException("heartbeat must be shorter than the election timeout");
        }
        if (maxEntriesPerAppend < 1 || maxBytesPerAppend < 1 || maxInflight < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        if (maxInflightBehind < maxInflight) {
            throw new IllegalArgumentException("a follower behind gets at least maxInflight batches");
        }
        if (batchLingerMillis < 0
                || batchLingerMillis >= heartbeatMillis && batchLingerMillis > 0
                || lingerAfterEntries < 1) {
            throw new IllegalArgumentException(
                    "a batch may wait 0 ms or less than a heartbeat, after at least one entry");
        }
    }

    /** Defaults from the election timeout ({@code NUN_ELECTION_TIMEOUT}, 1000 ms in NunDB). */
    public static RaftOptions fromElectionTimeout(long electionTimeoutMillis) {
        return new RaftOptions(electionTimeoutMillis, Math.max(1, electionTimeoutMillis / 10), 512, 1 << 20, 8);
    }

    /**
     * A node's settings from {@code NUN_ELECTION_TIMEOUT} = {@code timeout}: followers campaign after
     * a random 50–100 % of it, heartbeats every 1/20 of it, a leader steps down after a whole
     * timeout without a majority.
     */
    public static RaftOptions forNode(long timeout) {
        long half = Math.max(2, timeout / 2);
        return new RaftOptions(
                half, Math.max(1, timeout / 20), 512, 1 << 20, 8, Math.max(half, timeout), true, 0, 1, 8);
    }

    /** These options with or without prompt commit notices. */
    public RaftOptions withCommitNotices(boolean notices) {
        return new RaftOptions(
                electionTimeoutMillis,
                heartbeatMillis,
                maxEntriesPerAppend,
                maxBytesPerAppend,
                maxInflight,
                quorumCheckMillis,
                notices,
                batchLingerMillis,
                lingerAfterEntries,
                maxInflightBehind);
    }

    /** These options with at most {@code batches} AppendEntries batches in flight per follower. */
    public RaftOptions withMaxInflight(int batches) {
        return new RaftOptions(
                electionTimeoutMillis,
                heartbeatMillis,
                maxEntriesPerAppend,
                maxBytesPerAppend,
                batches,
                quorumCheckMillis,
                commitNotices,
                batchLingerMillis,
                lingerAfterEntries,
                Math.max(batches, maxInflightBehind));
    }

    /**
     * These options with batches that wait up to {@code millis} for more entries after a batch of at
     * least {@code afterEntries} (0 ms: never wait).
     */
    public RaftOptions withBatchLinger(long millis, int afterEntries) {
        return new RaftOptions(
                electionTimeoutMillis,
                heartbeatMillis,
                maxEntriesPerAppend,
                maxBytesPerAppend,
                maxInflight,
                quorumCheckMillis,
                commitNotices,
                millis,
                afterEntries,
                maxInflightBehind);
    }
}
