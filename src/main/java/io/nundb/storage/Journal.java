package io.nundb.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the {@link WritePipeline} hands every decided entry before it is applied. The op log
 * implements it; tests and benchmarks of the in-memory engine use {@link #inMemory}.
 *
 * <p>{@link #append} is called with the key's lock and the pipeline's sequencing lock held, so
 * entries reach the journal in version and queue order; it must not block (it enqueues and
 * returns). Its futures complete in index order, and a failure of one entry means every entry
 * appended after it fails too.
 */
public interface Journal {

    /**
     * Enqueues an entry. The future completes (with the entry's index) once the entry is written
     * as the fsync policy demands, or exceptionally when it could not be stored (disk full...).
     */
    CompletableFuture<Long> append(LogEntry entry);

    /** A journal that stores nothing and numbers entries 1, 2, 3…: the in-memory engine. */
    static Journal inMemory() {
        AtomicLong last = new AtomicLong();
        return entry -> CompletableFuture.completedFuture(last.incrementAndGet());
    }
}
