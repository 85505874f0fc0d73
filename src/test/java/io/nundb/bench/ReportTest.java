package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void mediansPerMetricOverRounds() {
        List<Report.Metric> medians = Report.medians(List.of(
                List.of(new Report.Metric("p99 µs", 300), new Report.Metric("ops/s", 10)),
                List.of(new Report.Metric("p99 µs", 100), new Report.Metric("ops/s", 30)),
                List.of(new Report.Metric("p99 µs", 200), new Report.Metric("ops/s", 20))));
        assertThat(medians).containsExactly(new Report.Metric("p99 µs", 200), new Report.Metric("ops/s", 20));
    }

    @Test
    void ratioIsTheMedianOfPerRoundRatios() {
        Report report = new Report("ours", "redis");
        report.phase("notify", List.of(new Report.Goal("p99 µs", false, 2.0)));
        // medians are 20 and 4 (5x), but round by round ours is 1x, 6x and 0.5x Redis
        report.rounds(
                "ours",
                List.of(
                        List.of(new Report.Metric("p99 µs", 50)),
                        List.of(new Report.Metric("p99 µs", 24)),
                        List.of(new Report.Metric("p99 µs", 2))));
        report.rounds(
                "redis",
                List.of(
                        List.of(new Report.Metric("p99 µs", 50)),
                        List.of(new Report.Metric("p99 µs", 4)),
                        List.of(new Report.Metric("p99 µs", 4))));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("| notify | p99 µs | 24.0 | 4.00 | 1.00 | ≤ 2.00× | yes |");
        assertThat(report.goalTally()).containsExactly(1, 0, 0);
    }

    @Test
    void aPhaseOurServerFailedMissesItsGoal() {
        Report report = new Report("ours", "redis");
        report.phase("set", List.of(new Report.Goal("ops/s", true, 0.5)));
        report.failure("ours", "lost reply");
        report.figures("redis", List.of(new Report.Metric("ops/s", 100_000)));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("| set | ops/s | failed: lost reply | 100,000 |  | ≥ 0.50× | **no** (failed) |");
        assertThat(report.goalTally()).containsExactly(0, 1, 0);
    }

    @Test
    void ratiosAndGoalsInTheTable() {
        Report report = new Report("ours", "redis");
        report.phase("set", List.of(new Report.Goal("ops/s", true, 0.5)));
        report.figures("ours", List.of(new Report.Metric("ops/s", 40_000)));
        report.figures("redis", List.of(new Report.Metric("ops/s", 100_000)));
        report.phase("notify", List.of(new Report.Goal("p99 µs", false, 2.0)));
        report.figures("ours", List.of(new Report.Metric("p99 µs", 150)));
        report.figures("redis", List.of(new Report.Metric("p99 µs", 100)));
        report.phase("get", List.of(new Report.Goal("ops/s", true, 0.5)));
        report.figures("ours", List.of(new Report.Metric("ops/s", 1)));
        report.failure("redis", "boom");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);

        assertThat(table).contains("| set | ops/s | 40,000 | 100,000 | 0.40 | ≥ 0.50× | **no** |");
        assertThat(table).contains("| notify | p99 µs | 150 | 100 | 1.50 | ≤ 2.00× | yes |");
        assertThat(table).contains("| get | ops/s | 1.00 | failed: boom |  | ≥ 0.50× |  |");
        assertThat(report.goalTally()).containsExactly(1, 1, 1);
    }
}
