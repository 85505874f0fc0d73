package io.nundb.command;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Takes snapshots of databases on request ({@code snapshot}); implemented by storage wiring. */
public interface SnapshotPort {

    /** Writes a snapshot that covers {@code dbs}; completes when it is on disk. */
    CompletableFuture<Void> snapshot(List<String> dbs, boolean reclaim);

    /** For a node without disk storage: there is nothing to write. */
    SnapshotPort NONE = (dbs, reclaim) -> CompletableFuture.completedFuture(null);
}
