package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.protocol.Response;
import io.nundb.security.SecretHash;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the login secrets that an earlier version stored in plain text (database tokens and user
 * tokens of data written before hashing) as their hashes. Each is written again as an admin's
 * {@code set} of its key, so it takes the path of every secret write: hashed first ({@link
 * SecretWrites}), then decided, appended, applied and announced by the write pipeline. Logins with
 * the plain token keep working, as they do for every hash.
 *
 * <p>Runs on the thread that starts the node, before any door is open: no session can be logged in
 * with a secret it changes (a changed secret revokes such sessions' watches) and no client write
 * races it. A few secrets at a time, waiting for each batch: the hash pool takes only a few at once.
 */
public final class PlainSecrets {

    private static final Logger log = LoggerFactory.getLogger(PlainSecrets.class);

    /** How long one rewrite (its hash, then its write) may take before it is given up. */
    private static final long TIMEOUT_SECONDS = 60;

    private record Plain(String db, String key, String value) {}

    /**
     * Rewrites in flight at once: few enough for the hash pool's queue ({@code SecretVerifier}),
     * enough to keep its threads busy.
     */
    private static final int AT_ONCE = 8;

    private PlainSecrets() {}

    /** Why the write failed, or null when it was stored. */
    private static String failure(CompletableFuture<Response> write) {
        try {
            Response r = write.join();
            return r instanceof Response.Failure f ? f.message() : null;
        } catch (CompletionException e) {
            return String.valueOf(e.getCause());
        }
    }

    /**
     * Rewrites every plain secret of every database as its hash; returns how many were rewritten.
     * The internal {@code $admin} database is left out: it is rebuilt from {@code NUN_PWD} at every
     * start and never stored.
     */
    public static int hashAll(Databases databases, CommandExecutor executor, String adminUser) {
        List<Plain> found = new ArrayList<>();
        for (Database db : databases.all()) {
            if (Databases.ADMIN_DB.equals(db.name())) {
                continue;
            }
            db.forEachEntry((key, value) -> {
                if (SecretWrites.isSecretKey(key)
                        && !value.deleted()
                        && value.value() != null
                        && !value.value().isEmpty()
                        && !SecretHash.isHash(value.value())) {
                    found.add(new Plain(db.name(), key, value.value()));
                }
            });
        }
        int rewritten = 0;
        for (int from = 0; from < found.size(); from += AT_ONCE) {
            List<Plain> batch = found.subList(from, Math.min(found.size(), from + AT_ONCE));
            List<Session> sessions = new ArrayList<>();
            List<CompletableFuture<Response>> writes = new ArrayList<>();
            for (Plain p : batch) {
                Session admin = new Session("startup", message -> false);
                admin.admin(true);
                admin.user(adminUser);
                admin.db(p.db());
                sessions.add(admin);
                writes.add(executor.execute(admin, new Command.Set(p.key(), p.value()))
                        .orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            for (int i = 0; i < batch.size(); i++) {
                String failure = failure(writes.get(i));
                if (failure == null) {
                    rewritten++;
                } else {
                    // the plain secret stays (and keeps working); the next start tries again
                    Plain p = batch.get(i);
                    log.warn("Secret {} of database {} is still stored in plain text: {}", p.key(), p.db(), failure);
                }
                executor.close(sessions.get(i));
            }
        }
        return rewritten;
    }
}
