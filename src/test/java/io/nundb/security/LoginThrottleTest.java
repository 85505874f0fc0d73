package io.nundb.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lockout rule: free failures, then a lock that doubles, capped; success clears. */
class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    @Test
    void aSourceIsLockedAfterTheFreeFailuresForADoublingTime() {
        for (int i = 0; i < LoginThrottle.FREE_FAILURES - 1; i++) {
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.lockedFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).isEqualTo(1_000);
        assertThat(throttle.lockedFor("10.0.0.2")).isZero();
        now.addAndGet(1_000);
        assertThat(throttle.lockedFor("10.0.0.1")).isZero();
        throttle.failed("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).isEqualTo(2_000);
        throttle.succeeded("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).isZero();
    }

    @Test
    void theLockIsCappedAndAnUnknownSourceIsNeverLocked() {
        assertThat(LoginThrottle.lockMillis(1_000)).isEqualTo(LoginThrottle.MAX_LOCK_MILLIS);
        throttle.failed(null);
        assertThat(throttle.lockedFor(null)).isZero();
    }
}
