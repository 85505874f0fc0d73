package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerfTargetsTest {

    @Test
    void ratioTargetsSayByHowMuchTheyAreMetOrMissed() {
        assertThat(PerfTargets.ratioAtLeast("SET ≥ 1.0× Redis", 0.62, 1.0))
                .isEqualTo(new PerfTargets.Row("SET ≥ 1.0× Redis", "0.62×", false, "38 % short"));
        assertThat(PerfTargets.ratioAtLeast("lazy ≥ 0.8× single", 0.88, 0.8).distance())
                .isEqualTo("10 % above");
        assertThat(PerfTargets.ratioAtMost("p99 ≤ 1.0×", 1.4, 1.0))
                .isEqualTo(new PerfTargets.Row("p99 ≤ 1.0×", "1.40×", false, "40 % over"));
        assertThat(PerfTargets.ratioAtMost("p99 ≤ 1.0×", 1.0, 1.0).met()).isTrue();
        assertThat(PerfTargets.ratioAtMost("p99 ≤ 1.0×", 1.0, 1.0).distance()).isEqualTo("0 % under");
    }

    @Test
    void absoluteLimitsAreStrictOrNot() {
        assertThat(PerfTargets.atMost("fan-out < 50 ms", 50.0, 50, true, "ms").met())
                .isFalse();
        assertThat(PerfTargets.atMost("p99 ≤ 2 ms", 2.0, 2, false, "ms").met()).isTrue();
        PerfTargets.Row over = PerfTargets.atMost("fan-out < 50 ms", 61.0, 50, true, "ms");
        assertThat(over.measured()).isEqualTo("61.0 ms");
        assertThat(over.distance()).isEqualTo("11.0 ms over (1.22× of the limit)");
        assertThat(PerfTargets.atMost("RSS < 2 GiB", 1024.0, 2048, true, "MiB").distance())
                .isEqualTo("1,024 MiB to spare (0.50× of the limit)");
    }

    @Test
    void theP50IsComparedByDifference() {
        PerfTargets.Row close = PerfTargets.within("p50 within 30 µs", 100.0, 80.0, 30, "µs");
        assertThat(close.met()).isTrue();
        assertThat(close.measured()).isEqualTo("100 vs 80.0 µs (+20.0)");
        assertThat(close.distance()).isEqualTo("10.0 µs to spare");
        PerfTargets.Row far = PerfTargets.within("p50 within 30 µs", 163.0, 82.8, 30, "µs");
        assertThat(far.met()).isFalse();
        assertThat(far.distance()).isEqualTo("50.2 µs over");
    }

    @Test
    void aMissingFigureIsNeitherMetNorMissedAndTheTallyCountsIt() {
        PerfTargets.Row none = PerfTargets.ratioAtLeast("SET", null, 1.0);
        assertThat(none.met()).isNull();
        String md = PerfTargets.markdown(
                List.of(none, PerfTargets.ratioAtLeast("GET", 1.2, 1.0), PerfTargets.ratioAtMost("p99", 2.0, 1.0)));
        assertThat(md)
                .contains("| SET | not measured | not measured |  |")
                .contains("| GET | 1.20× | met | 20 % above |")
                .contains("| p99 | 2.00× | **missed** | 100 % over |")
                .contains("Targets met: 1 of 3 (1 missed, 1 not measured).");
    }
}
