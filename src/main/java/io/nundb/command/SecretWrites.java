package io.nundb.command;

import io.nundb.protocol.Command;
import io.nundb.security.SecretVerifier;
import io.nundb.storage.Database;
import io.nundb.storage.Databases;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Replaces the secret a command would store (a database token, a user token) by its salted hash
 * before the command is placed: the op log, snapshots, memory, replication and a write forwarded
 * to the primary then only ever carry the hash. A value that already is a hash (forwarded or
 * replicated by another node) is kept. Only an admin session can write secrets, so nobody else
 * makes the node hash. The hash runs on {@link SecretVerifier}'s threads; the returned future
 * completes there (or at once when there is nothing to hash).
 */
final class SecretWrites {

    static final String USER_PREFIX = "$$user_";

    private final Databases databases;
    private final SecretVerifier verifier;
    private final int iterations;

    SecretWrites(Databases databases, SecretVerifier verifier, int iterations) {
        this.databases = databases;
        this.verifier = verifier;
        this.iterations = iterations;
    }

    /** Whether {@code key} holds a login secret. */
    static boolean isSecretKey(String key) {
        return Database.TOKEN_KEY.equals(key) || (key != null && key.startsWith(USER_PREFIX));
    }

    /** Whether {@code c} would store a secret (so it must wait for its hash, in order). */
    static boolean storesSecret(Command c) {
        return c instanceof Command.CreateDb
                || c instanceof Command.CreateUser
                || (c instanceof Command.Set s && isSecretKey(s.key()))
                || (c instanceof Command.SetSafe s && isSecretKey(s.key()))
                || (c instanceof Command.Replicate r && isSecretKey(r.key()))
                || (c instanceof Command.Resolve r && isSecretKey(r.key()));
    }

    /** {@code c} with its secret hashed; {@code c} itself when it stores none or would be refused. */
    CompletableFuture<Command> protect(Session session, Command c) {
        if (!session.isAdmin() || !storesSecret(c)) {
            return CompletableFuture.completedFuture(c);
        }
        if (c instanceof Command.CreateDb cd) {
            if (cd.token().isEmpty() || databases.exists(cd.db())) {
                return CompletableFuture.completedFuture(c); // refused without a hash
            }
            return hashed(cd.token(), h -> new Command.CreateDb(cd.db(), h, cd.strategy()));
        } else if (c instanceof Command.CreateUser cu) {
            return hashed(cu.token(), h -> new Command.CreateUser(cu.user(), h));
        } else if (c instanceof Command.Set s) {
            return hashed(s.value(), h -> new Command.Set(s.key(), h));
        } else if (c instanceof Command.SetSafe s) {
            return hashed(s.value(), h -> new Command.SetSafe(s.key(), s.version(), h));
        } else if (c instanceof Command.Replicate r) {
            return hashed(r.value(), h -> new Command.Replicate(r.db(), r.key(), r.version(), h));
        } else if (c instanceof Command.Resolve r) {
            return hashed(r.value(), h -> new Command.Resolve(r.oppId(), r.db(), r.key(), r.version(), h));
        }
        return CompletableFuture.completedFuture(c);
    }

    private CompletableFuture<Command> hashed(String secret, Function<String, Command> with) {
        return verifier.hash(secret, iterations).thenApply(with);
    }
}
