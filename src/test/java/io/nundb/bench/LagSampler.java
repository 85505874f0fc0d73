package io.nundb.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Samples the secondaries' lag behind the primary (entries the primary has that a peer has not
 * confirmed: what a lazy cluster would lose if the primary crashed then) a few times a second on
 * its own thread, while a run loads the cluster. The figure after a run says only where the last
 * batch was; the samples show the window during it.
 */
final class LagSampler implements AutoCloseable {

    private final Callable<List<Long>> lags;
    private final List<Long> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param lags each peer's lag now, in entries */
    LagSampler(Callable<List<Long>> lags, long everyMillis) {
        this.lags = lags;
        this.thread = new Thread(() -> loop(everyMillis), "lag-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop(long everyMillis) {
        while (running) {
            try {
                List<Long> now = lags.call();
                synchronized (samples) {
                    samples.addAll(now);
                }
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception unavailable) {
                // an election or a slow answer: skip this sample
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }

    /** "peer lag during the run (entries, 40 samples): median 12, p99 240, max 310". */
    String describe() {
        List<Long> copy;
        synchronized (samples) {
            copy = new ArrayList<>(samples);
        }
        if (copy.isEmpty()) {
            return "peer lag during the run: no samples";
        }
        return String.format(
                "peer lag during the run (entries, %d samples): median %d, p99 %d, max %d",
                copy.size(),
                ClusterBench.percentile(copy, 50),
                ClusterBench.percentile(copy, 99),
                copy.stream().mapToLong(Long::longValue).max().orElse(0));
    }
}
