package io.nundb.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks and makes secret hashes ({@link SecretHash}) off the caller's thread, so an event loop
 * never runs the slow hash. The work runs on a small shared pool ({@code nundb-secret-hash-N},
 * half the cores, at least one) with a bounded queue: when it is full the answer is {@link
 * Verdict#BUSY} at once, so a flood of login attempts from many addresses cannot queue unbounded
 * work (failed-login throttling bounds each address and connection).
 *
 * <p>A successful check is remembered: stored hash → an HMAC of the secret under a key made at
 * start and never stored, so the next login with the same secret is answered on the caller's
 * thread without the slow hash, and nothing in the cache can be used to log in or leaves the
 * process. A wrong secret is never cached; a changed stored hash is a new cache key. At most
 * {@value #MAX_CACHED} entries (the cache is emptied when full). Thread-safe.
 */
public final class SecretVerifier {

    /** The outcome of a check. */
    public enum Verdict {
        VALID,
        INVALID,
        /** Too many checks queued: nothing was checked; the client may retry. */
        BUSY
    }

    static final int MAX_CACHED = 10_000;
    /**
     * Short on purpose: a flood of logins with wrong secrets (each a full hash) is answered busy
     * within a few hashes' time rather than making every login wait behind it.
     */
    static final int MAX_QUEUED = 16;

    private static final SecretVerifier SHARED =
            new SecretVerifier(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), MAX_QUEUED);

    private final ThreadPoolExecutor pool;
    /**
     * Where callers' continuations run once a hash is done: the engine work after a login (a
     * command that waits for a snapshot, say) must not hold a hash thread, or every later login
     * queues behind it.
     */
    private final java.util.concurrent.ExecutorService done;

    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];

    SecretVerifier(int threads, int maxQueued) {
        new SecureRandom().nextBytes(cacheKey);
        AtomicInteger ids = new AtomicInteger();
        pool = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(maxQueued), r -> {
                    Thread t = new Thread(r, "nundb-secret-hash-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        AtomicInteger doneIds = new AtomicInteger();
        done = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nundb-secret-done-" + doneIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The verifier every node of this JVM shares (one pool, one cache keyed by unique hashes). */
    public static SecretVerifier shared() {
        return SHARED;
    }

    /**
     * Whether {@code candidate} is the secret {@code stored} holds. Completes on the caller's thread
     * for a plain (old) stored secret and for a secret verified before, else on a {@code
     * nundb-secret-done} thread (never on a hash thread, which callers' work must not hold).
     */
    public CompletableFuture<Verdict> verify(String stored, String candidate) {
        if (stored == null || candidate == null) {
            return CompletableFuture.completedFuture(Verdict.INVALID);
        }
        if (!SecretHash.isHash(stored)) {
            return CompletableFuture.completedFuture(
                    SecretHash.constantTimeEquals(stored, candidate) ? Verdict.VALID : Verdict.INVALID);
        }
        byte[] fingerprint = fingerprint(candidate);
        byte[] known = verified.get(stored);
        if (known != null && MessageDigest.isEqual(known, fingerprint)) {
            return CompletableFuture.completedFuture(Verdict.VALID);
        }
        return submit(() -> {
            if (!SecretHash.verify(stored, candidate)) {
                return Verdict.INVALID;
            }
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.put(stored, fingerprint);
            return Verdict.VALID;
        });
    }

    /**
     * The stored form of {@code secret}: a new salted hash made on a hash thread; {@code secret}
     * itself when it already is one (a write forwarded or replicated by another node carries the
     * hash). Fails with {@link RejectedExecutionException} when the pool is full.
     */
    public CompletableFuture<String> hash(String secret, int iterations) {
        if (SecretHash.isHash(secret)) {
            return CompletableFuture.completedFuture(secret);
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    String hashed = SecretHash.hash(secret, iterations);
                    done.execute(() -> result.complete(hashed));
                } catch (RuntimeException e) {
                    done.execute(() -> result.completeExceptionally(e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private CompletableFuture<Verdict> submit(java.util.function.Supplier<Verdict> check) {
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    Verdict verdict = check.get();
                    done.execute(() -> result.complete(verdict));
                } catch (RuntimeException e) {
                    done.execute(() -> result.completeExceptionally(e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.complete(Verdict.BUSY);
        }
        return result;
    }

    private byte[] fingerprint(String candidate) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            return mac.doFinal(candidate.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
