package io.nundb.bench;

import java.util.Arrays;

/**
 * Keeps every sample (a run records at most a few hundred thousand) so percentiles are exact,
 * by the nearest-rank method: the p-th percentile is the smallest sample that at least p% of
 * all samples are less than or equal to. Single-threaded.
 */
final class LatencyRecorder {

    private long[] samples = new long[1024];
    private int count;
    private boolean sorted = true;

    void record(long value) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = value;
        sorted = false;
    }

    int count() {
        return count;
    }

    /** The nearest-rank percentile, {@code 0 < p <= 100}. */
    long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        if (count == 0) {
            throw new IllegalStateException("no samples");
        }
        sort();
        // The epsilon keeps binary rounding (99.9% of 1000 = 999.0000000001) from moving up a rank.
        int rank = (int) Math.ceil(p * count / 100.0 - 1e-9);
        return samples[Math.max(rank, 1) - 1];
    }

    long max() {
        return percentile(100);
    }

    double mean() {
        if (count == 0) {
            throw new IllegalStateException("no samples");
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += samples[i];
        }
        return sum / count;
    }

    private void sort() {
        if (!sorted) {
            Arrays.sort(samples, 0, count);
            sorted = true;
        }
    }
}
