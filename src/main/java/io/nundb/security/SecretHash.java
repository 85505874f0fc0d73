package io.nundb.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The stored form of a secret (database token, user token, admin password): a salted
 * PBKDF2-HMAC-SHA256 hash written as {@code $pbkdf2-sha256$i=<iterations>$<salt>$<hash>} (salt
 * and hash in unpadded URL-safe Base64). A stored value without that form is a secret written
 * in plain text by an earlier version: {@link #verify} still accepts it, compared in constant
 * time. Plain Java; {@link #hash} and {@link #verify} are deliberately slow (CPU for tens to
 * hundreds of milliseconds), so they run on {@link SecretVerifier}'s threads, never on an event
 * loop.
 */
public final class SecretHash {

    public static final String PREFIX = "$pbkdf2-sha256$i=";
    /** OWASP's 2023 floor is 600,000 for PBKDF2-HMAC-SHA256; see docs/security.md for the choice. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** A stored hash asking for more is refused: an admin-written value must not stall a thread. */
    public static final int MAX_ITERATIONS = 10_000_000;

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private record Parsed(int iterations, byte[] salt, byte[] hash) {}

    private SecretHash() {}

    /** A new hash of {@code secret} with a random salt. */
    public static String hash(String secret, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return format(iterations, salt, pbkdf2(secret, salt, iterations));
    }

    /**
     * A hash whose salt is derived from {@code label}: every node of a cluster computes the same one
     * for the admin password, which is the token of {@code $admin} and part of the state digest.
     */
    public static String hashWithLabel(String secret, String label, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        System.arraycopy(sha256(("nundb-salt:" + label).getBytes(StandardCharsets.UTF_8)), 0, salt, 0, SALT_BYTES);
        return format(iterations, salt, pbkdf2(secret, salt, iterations));
    }

    /** Whether {@code stored} is in the hashed form (else it is a plain secret of an earlier version). */
    public static boolean isHash(String stored) {
        return parse(stored) != null;
    }

    /** Whether {@code candidate} is the secret {@code stored} holds (hashed or, from old data, plain). */
    public static boolean verify(String stored, String candidate) {
        if (stored == null || candidate == null) {
            return false;
        }
        Parsed p = parse(stored);
        if (p == null) {
            return constantTimeEquals(stored, candidate);
        }
        return MessageDigest.isEqual(p.hash(), pbkdf2(candidate, p.salt(), p.iterations()));
    }

    static boolean constantTimeEquals(String expected, String actual) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    private static String format(int iterations, byte[] salt, byte[] hash) {
        return PREFIX + iterations + "$" + ENCODE.encodeToString(salt) + "$" + ENCODE.encodeToString(hash);
    }

    private static Parsed parse(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = stored.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(parts[0]);
            byte[] salt = DECODE.decode(parts[1]);
            byte[] hash = DECODE.decode(parts[2]);
            if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length < 8 || hash.length != HASH_BYTES) {
                return null;
            }
            return new Parsed(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
