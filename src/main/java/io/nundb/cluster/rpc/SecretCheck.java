package io.nundb.cluster.rpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Compares a peer's secret with the cluster's in constant time: both are hashed first, so neither
 * the content nor the length of the real secret leaks through timing.
 */
final class SecretCheck {

    private final byte[] expectedDigest;

    SecretCheck(String secret) {
        this.expectedDigest = sha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    boolean matches(byte[] presented) {
        return presented != null && MessageDigest.isEqual(expectedDigest, sha256(presented));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
