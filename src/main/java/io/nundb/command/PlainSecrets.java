package io.nundb.command;

import io.nundb.security.SecretHash;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import io.nundb.storage.Decision;
import io.nundb.storage.VersionedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the login secrets that an earlier version stored in plain text (database tokens and user
 * tokens of data written before hashing, or imported) as their hashes, keeping each key's version.
 *
 * <p>The rewrite is its own internal write, not a client command: it is decided under the key's
 * lock only while the key still holds exactly the plain secret that was read, and it stores the
 * hash at the key's <em>current</em> version (a {@code PUT} entry like any other, so the op log,
 * replication and apply need nothing new; apply is replay-idempotent because the entry carries the
 * resulting state). Keeping the version matters: a session logged in with a secret stays logged in
 * only while that secret's version is unchanged, and a hash of the same secret must not revoke it
 * (or its watches). A key written meanwhile (a client's {@code set}, which bumps the version and
 * stores a hash) is left alone. No client command can produce such a write: every command that
 * stores a secret hashes it and bumps the version.
 *
 * <p>Decided wherever writes are decided: on a node alone, or on the cluster's primary (a
 * secondary's pipeline refuses it), whose followers then get the entries by replication. Runs on
 * the caller's thread (the node's start thread or its secret-migration thread), never an event
 * loop: it waits for each batch. A few secrets at a time, since the hash pool takes only a few at
 * once.
 */
public final class PlainSecrets {

    private static final Logger log = LoggerFactory.getLogger(PlainSecrets.class);

    /** How long one rewrite (its hash, then its write) may take before it is given up. */
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * Rewrites in flight at once: few enough for the hash pool's queue ({@code SecretVerifier}),
     * enough to keep its threads busy.
     */
    private static final int AT_ONCE = 8;

    private record Plain(Database db, String key, String value) {}

    private PlainSecrets() {}

    /** Whether {@code value} of {@code key} is a login secret stored in plain text. */
    public static boolean isPlainSecret(String key, VersionedValue value) {
        return SecretWrites.isSecretKey(key)
                && value != null
                && !value.deleted()
                && value.value() != null
                && !value.value().isEmpty()
                && !SecretHash.isHash(value.value());
    }

    /**
     * Rewrites every plain secret of every database as its hash, at its current version; returns
     * how many were rewritten. {@code hasher} hashes a secret (off the caller's thread or on it).
     * The internal {@code $admin} database is left out: it is rebuilt from {@code NUN_PWD} at every
     * start and never stored. A secret that could not be rewritten is logged (its key and database,
     * never its value) and stays; the next start or election tries again.
     */
    public static int hashAll(Databases databases, Function<String, CompletableFuture<String>> hasher) {
        List<Plain> found = new ArrayList<>();
        for (Database db : databases.all()) {
            if (Databases.ADMIN_DB.equals(db.name())) {
                continue;
            }
            db.forEachEntry((key, value) -> {
                if (isPlainSecret(key, value)) {
                    found.add(new Plain(db, key, value.value()));
                }
            });
        }
        int rewritten = 0;
        for (int from = 0; from < found.size(); from += AT_ONCE) {
            List<Plain> batch = found.subList(from, Math.min(found.size(), from + AT_ONCE));
            List<CompletableFuture<Boolean>> writes = new ArrayList<>();
            for (Plain p : batch) {
                writes.add(hasher.apply(p.value())
                        .thenCompose(hash -> rehash(p, hash))
                        .orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            for (int i = 0; i < batch.size(); i++) {
                Plain p = batch.get(i);
                try {
                    if (writes.get(i).join()) {
                        rewritten++;
                    }
                } catch (CompletionException e) {
                    // the plain secret stays (and keeps working); the next start or election tries again
                    log.warn(
                            "Secret {} of database {} is still stored in plain text: {}",
                            p.key(),
                            p.db().name(),
                            String.valueOf(e.getCause()));
                }
            }
        }
        return rewritten;
    }

    /**
     * Stores {@code hash} in place of {@code p}'s plain secret at the key's current version, if the
     * key still holds exactly that secret; completes with whether it did, once applied.
     */
    private static CompletableFuture<Boolean> rehash(Plain p, String hash) {
        var result = p.db().mutate(p.key(), current -> {
            if (current == null || current.deleted() || !p.value().equals(current.value())) {
                return Decision.reject("changed since it was read");
            }
            return Decision.put(hash, current.version());
        });
        if (!result.applied()) {
            return CompletableFuture.completedFuture(false);
        }
        return result.durable().thenApply(index -> true);
    }
}
