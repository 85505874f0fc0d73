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

    /**
     * {@link #append(LogEntry)} for the write path: the journal tells {@code whenStored} once,
     * with the entry as stored (its index and term) or why it was not, instead of completing a
     * future — no future, continuation or copy of the entry per write. Called on the thread that
     * learns the answer (possibly the caller's, before this returns); must not block. The default
     * adapts {@link #append(LogEntry)}.
     */
    default void append(LogEntry entry, Stored whenStored) {
        append(entry)
                .whenComplete((index, failure) ->
                        whenStored.stored(failure == null ? entry.withIndex(index, entry.term()) : null, failure));
    }

    /** Told whether one appended entry is stored. */
    @FunctionalInterface
    interface Stored {

        /**
         * @param stamped the entry with the index (and term) it was stored at; null when it failed
         * @param failure why it could not be stored, or null
         */
        void stored(LogEntry stamped, Throwable failure);

        /** Completes {@code future} with the stored entry's index, or with the failure. */
        static Stored completing(CompletableFuture<Long> future) {
            return (stamped, failure) -> {
                if (failure == null) {
                    future.complete(stamped.index());
                } else {
                    future.completeExceptionally(failure);
                }
            };
        }
    }

    /** A journal that stores nothing and numbers entries 1, 2, 3…: the in-memory engine. */
    static Journal inMemory() {
        AtomicLong last = new AtomicLong();
        return new Journal() {
            @Override
            public CompletableFuture<Long> append(LogEntry entry) {
                return CompletableFuture.completedFuture(last.incrementAndGet());
            }

            @Override
            public void append(LogEntry entry, Stored whenStored) {
                whenStored.stored(entry.withIndex(last.incrementAndGet(), entry.term()), null);
            }
        };
    }
}
