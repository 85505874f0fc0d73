package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerfPhaseTest {

    private static PerfPhase phase() {
        return new PerfPhase(
                "set1",
                "SET, pipeline 1",
                List.of("ours", "Redis"),
                1,
                List.of(
                        new PerfPhase.Figure("ops_per_s", "ops/s", true),
                        new PerfPhase.Figure("samples", "samples", false)));
    }

    @Test
    void medianOfOddAndEvenCountsSkippingMissingValues() {
        assertThat(PerfPhase.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(PerfPhase.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(PerfPhase.median(Arrays.asList(5.0, null, 1.0))).isEqualTo(3.0);
        assertThat(PerfPhase.median(Arrays.asList((Double) null))).isNull();
        assertThat(PerfPhase.median(List.of())).isNull();
    }

    @Test
    void theRatioIsTheMedianOfPerRoundRatiosNotTheRatioOfMedians() {
        PerfPhase p = phase();
        // medians 20 and 4 (5x), but round by round ours is 1x, 6x and 0.5x Redis
        double[][] rounds = {{50, 50}, {10, 60}, {20, 2}};
        for (int r = 0; r < rounds.length; r++) {
            p.round("Redis", r, Map.of("ops_per_s", rounds[r][0]));
            p.round("ours", r, Map.of("ops_per_s", rounds[r][1]));
        }
        assertThat(p.median("ours", "ops_per_s")).isEqualTo(50.0);
        assertThat(p.median("Redis", "ops_per_s")).isEqualTo(20.0);
        assertThat(p.roundRatios("ours", "ops_per_s")).containsExactly(1.0, 6.0, 0.1);
        assertThat(p.ratio("ours", "ops_per_s")).isEqualTo(1.0);
    }

    @Test
    void aFailedRoundDropsOutOfTheRatiosAndTheFailureIsShown() {
        PerfPhase p = phase();
        p.round("ours", 0, Map.of("ops_per_s", 30.0));
        p.round("Redis", 0, Map.of("ops_per_s", 60.0));
        p.round("Redis", 1, Map.of("ops_per_s", 10.0));
        p.fail("ours", "round 2: EOF");
        p.load("1.0 1.0 1.0", "2.0 1.0 1.0");
        assertThat(p.values("ours", "ops_per_s")).containsExactly(30.0);
        assertThat(p.roundRatios("ours", "ops_per_s")).containsExactly(0.5);
        assertThat(p.median("3-node lazy", "ops_per_s"))
                .as("a setup that never started")
                .isNull();
        String md = p.markdown();
        assertThat(md)
                .contains("### SET, pipeline 1")
                .contains("Load average 1.0 1.0 1.0 at the start, 2.0 1.0 1.0 at the end.")
                .contains("| figure | ours | Redis | ours / Redis | per round |")
                .contains("| ops/s | 30.0 | 35.0 | 0.50 | 0.50 |")
                .contains("**ours failed:** round 2: EOF");
    }
}
