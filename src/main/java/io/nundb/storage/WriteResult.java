package io.nundb.storage;

import java.util.concurrent.CompletableFuture;

/**
 * The outcome of {@link Database#mutate}: the value the key had before, the decision taken, the
 * value it holds now and a future that completes once the change is durable.
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
