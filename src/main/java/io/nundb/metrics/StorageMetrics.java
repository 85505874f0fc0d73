package io.nundb.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nundb.storage.StorageTimings;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Op-log fsync latency and snapshot duration as Micrometer timers. */
public final class StorageMetrics implements StorageTimings {

    private final Timer fsync;
    private final Timer snapshot;
    private final Timer reclaimSnapshot;

    public StorageMetrics(MeterRegistry registry) {
        this.fsync = Timer.builder(MeterNames.OPLOG_FSYNC)
                .description("Op-log fsync latency")
                .publishPercentileHistogram()
                .register(registry);
        this.snapshot = snapshotTimer(registry, "false");
        this.reclaimSnapshot = snapshotTimer(registry, "true");
    }

    /** Exposes whether the op log can store writes (0 after a disk failure, so alerts can fire). */
    public void bindWritable(MeterRegistry registry, BooleanSupplier writable) {
        // the Supplier form keeps a strong reference (the state-object form would let a lambda be collected)
        Gauge.builder(MeterNames.STORAGE_WRITABLE, () -> writable.getAsBoolean() ? 1 : 0)
                .description("1 while the op log can store writes, 0 after a disk failure")
                .register(registry);
    }

    private static Timer snapshotTimer(MeterRegistry registry, String reclaim) {
        return Timer.builder(MeterNames.SNAPSHOT_DURATION)
                .description("Time to write one snapshot")
                .tag("reclaim", reclaim)
                .register(registry);
    }

    @Override
    public void fsync(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void snapshot(boolean reclaim, long nanos) {
        (reclaim ? reclaimSnapshot : snapshot).record(nanos, TimeUnit.NANOSECONDS);
    }
}
