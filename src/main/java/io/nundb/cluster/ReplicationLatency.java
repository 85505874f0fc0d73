package io.nundb.cluster;

import java.util.function.LongConsumer;

/**
 * How long the primary's writes take from its own disk to a majority: a moving average over the
 * last 100 (for {@code metrics-state}), each one also handed to an observer (the metrics timer).
 * Recorded on the Raft thread, read anywhere.
 */
final class ReplicationLatency {

    private static final int WINDOW = 100;

    private final long[] samples = new long[WINDOW];
    private int count;
    private int next;
    private long sum;
    private volatile double averageMillis;
    private volatile LongConsumer observer = n -> {};

    void observer(LongConsumer o) {
        observer = o == null ? n -> {} : o;
    }

    synchronized void record(long nanos) {
        if (count == WINDOW) {
            sum -= samples[next];
        } else {
            count++;
        }
        samples[next] = nanos;
        sum += nanos;
        next = (next + 1) % WINDOW;
        averageMillis = sum / (double) count / 1_000_000.0;
        observer.accept(nanos);
    }

    double averageMillis() {
        return averageMillis;
    }
}
