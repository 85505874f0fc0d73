package io.nundb.storage;

import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Database#mutate}: the latest decided value before, the decision taken,
 * the value decided now, and a future that completes (with the entry's index) once the change is
 * durable and applied — a read then sees it — or fails when the log refused it.
 */
public record WriteResult(
        VersionedValue previous, Decision decision, VersionedValue current, CompletableFuture<Long> durable) {

    public boolean applied() {
        return !(decision instanceof Decision.Reject);
    }

    public Object rejection() {
        return decision instanceof Decision.Reject r ? r.reason() : null;
    }
}
