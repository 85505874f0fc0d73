package io.nundb.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster admin's user and password. Only the password's salted hash is kept ({@link
 * SecretHash}; its salt is derived from the user, so every node holds the same {@code $admin}
 * token); checks run through {@link SecretVerifier}, off the caller's thread unless the same
 * password was verified before.
 */
public final class AdminCredentials {

    private final String user;
    private final String passwordHash;
    private final SecretVerifier verifier;
    private final int hashIterations;

    public AdminCredentials(String user, String password) {
        this(user, password, SecretHash.DEFAULT_ITERATIONS);
    }

    /**
     * Hashes {@code password} on the calling thread (once, at start); a password given already in
     * the hashed form ({@link SecretHash}: the node gets the hash its configuration made) is kept.
     */
    public AdminCredentials(String user, String password, int iterations) {
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("admin user and password must not be empty");
        }
        this.user = user;
        this.passwordHash = SecretHash.isHash(password)
                ? password
                : SecretHash.hashWithLabel(password, "admin:" + user, iterations);
        this.verifier = SecretVerifier.shared();
        this.hashIterations = iterations;
    }

    /** PBKDF2 iterations for the secrets this node hashes ({@code NUN_SECRET_HASH_ITERATIONS}). */
    public int hashIterations() {
        return hashIterations;
    }

    public String user() {
        return user;
    }

    /** The password's stored form: the token of {@code $admin}. */
    public String passwordHash() {
        return passwordHash;
    }

    /** Checks a user and password; the user is compared in constant time, the password by its hash. */
    public CompletableFuture<SecretVerifier.Verdict> check(String candidateUser, String candidatePassword) {
        boolean userOk = Secrets.equal(user, candidateUser);
        return verifier.verify(passwordHash, candidatePassword == null ? "" : candidatePassword)
                .thenApply(v -> v == SecretVerifier.Verdict.VALID && !userOk ? SecretVerifier.Verdict.INVALID : v);
    }

    /** Constant-time text comparison for tokens and passwords. */
    public static final class Secrets {
        private Secrets() {}

        public static boolean equal(String expected, String actual) {
            if (expected == null || actual == null) {
                return false;
            }
            return MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "AdminCredentials[user=" + user + ", password=****]";
    }
}
