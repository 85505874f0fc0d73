package io.nundb.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per kind per interval, with the count of what was left out. */
class BadInputLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(5_000_000);
    private final BadInputLog log = new BadInputLog(lines::add, now::get);

    @Test
    void aFloodOfOneKindIsOneLinePerIntervalWithTheSuppressedCount() {
        for (int i = 0; i < 1_000; i++) {
            log.warn("bad path", "400");
        }
        log.warn("bad login", "Invalid token");
        assertThat(lines).containsExactly("bad input: bad path: 400", "bad input: bad login: Invalid token");
        now.addAndGet(BadInputLog.INTERVAL_MILLIS);
        log.warn("bad path", "400");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).isEqualTo("bad input: bad path: 400 (999 more like it in the last 10 s)");
    }
}
