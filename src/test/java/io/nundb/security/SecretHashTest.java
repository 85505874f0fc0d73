package io.nundb.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.security.SecretVerifier.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SecretHashTest {

    @Test
    void aHashVerifiesItsSecretOnlyAndNeverContainsIt() {
        String h = SecretHash.hash("s3cret-token", 1000);
        assertThat(h).startsWith("$pbkdf2-sha256$i=1000$").doesNotContain("s3cret");
        assertThat(SecretHash.isHash(h)).isTrue();
        assertThat(SecretHash.verify(h, "s3cret-token")).isTrue();
        assertThat(SecretHash.verify(h, "s3cret-token ")).isFalse();
        assertThat(SecretHash.verify(h, "")).isFalse();
        // salted: the same secret hashes differently each time
        assertThat(SecretHash.hash("s3cret-token", 1000)).isNotEqualTo(h);
    }

    @Test
    void plainValuesOfOldDataStillVerify() {
        assertThat(SecretHash.isHash("old-plain-token")).isFalse();
        assertThat(SecretHash.verify("old-plain-token", "old-plain-token")).isTrue();
        assertThat(SecretHash.verify("old-plain-token", "old-plain-tokeN")).isFalse();
    }

    @Test
    void malformedOrAbusiveHashesAreNotHashes() {
        String h = SecretHash.hash("x", 1000);
        assertThat(SecretHash.isHash(h.replace("i=1000", "i=0"))).isFalse();
        assertThat(SecretHash.isHash(h.replace("i=1000", "i=2000000000"))).isFalse();
        assertThat(SecretHash.isHash(h.substring(0, h.length() - 4))).isFalse();
        assertThat(SecretHash.isHash(h + "$x")).isFalse();
        assertThat(SecretHash.isHash("$pbkdf2-sha256$i=1000$!!$!!")).isFalse();
    }

    @Test
    void verifierAnswersFromItsCacheOnlyForTheSecretItVerified() {
        SecretVerifier v = new SecretVerifier(1, 8);
        String h = SecretHash.hash("tok", 1000);
        assertThat(v.verify(h, "tok").join()).isEqualTo(Verdict.VALID);
        // verified before: answered on the caller's thread, no hash
        assertThat(v.verify(h, "tok")).isCompletedWithValue(Verdict.VALID);
        assertThat(v.verify(h, "other").join()).isEqualTo(Verdict.INVALID);
        assertThat(v.verify(h, "tok")).isCompletedWithValue(Verdict.VALID);
        assertThat(v.verify("plain", "plain")).isCompletedWithValue(Verdict.VALID);
        assertThat(v.hash(h, 1000).join()).isEqualTo(h); // a hash is kept as it is
        assertThat(SecretHash.verify(v.hash("tok", 1000).join(), "tok")).isTrue();
    }

    @Test
    void aFullQueueAnswersBusyAtOnceInsteadOfQueueingWithoutBound() throws Exception {
        SecretVerifier v = new SecretVerifier(1, 2);
        String slow = SecretHash.hash("tok", 50_000);
        // occupy the one thread with a long hash (callers' continuations never run on it)
        CompletableFuture<String> blocker = v.hash("x", 2_000_000);
        List<CompletableFuture<Verdict>> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            checks.add(v.verify(slow, "wrong" + i));
        }
        blocker.get(60, TimeUnit.SECONDS);
        assertThat(checks).anySatisfy(f -> assertThat(f).isCompletedWithValue(Verdict.BUSY));
        for (CompletableFuture<Verdict> f : checks) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isIn(Verdict.BUSY, Verdict.INVALID);
        }
    }
}
