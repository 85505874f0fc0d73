package io.nundb.command;

/** Figures for {@code metrics-state} that live outside the engine (op log, replication). */
public interface NodeStats {

    long pendingOps();

    long opLogBytes();

    long opLogRecords();

    double replicationTimeMovingAvgMs();

    NodeStats NONE = new NodeStats() {
        public long pendingOps() {
            return 0;
        }

        public long opLogBytes() {
            return 0;
        }

        public long opLogRecords() {
            return 0;
        }

        public double replicationTimeMovingAvgMs() {
            return 0;
        }
    };
}
