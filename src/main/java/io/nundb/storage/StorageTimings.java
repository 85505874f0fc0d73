package io.nundb.storage;

/** Told how long disk work took, for metrics; called on storage threads, must not block. */
public interface StorageTimings {

    void fsync(long nanos);

    void snapshot(boolean reclaim, long nanos);

    StorageTimings NONE = new StorageTimings() {
        @Override
        public void fsync(long nanos) {}

        @Override
        public void snapshot(boolean reclaim, long nanos) {}
    };
}
