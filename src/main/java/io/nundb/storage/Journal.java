package io.nundb.storage;

import java.util.concurrent.CompletableFuture;

/**
 * Where the store hands every change before it is acknowledged. The op log implements it; tests
 * and benchmarks of the in-memory engine use {@link #NONE}.
 *
 * <p>{@link #append} is called with the key's lock held, so records reach the journal in version
 * order; it must not block (it enqueues and returns).
 */
public interface Journal {

    /**
     * Enqueues a record. The future completes (with the record's index) once the record is written
     * as the fsync policy demands, or exceptionally when it could not be stored (disk full...).
     */
    CompletableFuture<Long> append(LogEntry record);

    /** A journal that stores nothing: for the in-memory engine in tests and benchmarks. */
    Journal NONE = new Journal() {
        private final CompletableFuture<Long> done = CompletableFuture.completedFuture(0L);

        @Override
        public CompletableFuture<Long> append(LogEntry record) {
            return done;
        }
    };
}
