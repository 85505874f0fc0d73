package io.nundb.bench;

import java.util.List;
import java.util.Locale;

/**
 * Issue 12's targets as rows of the perf bench's final summary: what was measured, whether the
 * target is met, and by how much it is met or missed. A target whose figure could not be measured
 * (a failed or skipped phase) is neither met nor missed. Pure functions.
 */
final class PerfTargets {

    /** {@code met} is null when the figure is missing. */
    record Row(String target, String measured, Boolean met, String distance) {}

    private PerfTargets() {}

    /** ratio ≥ goal (throughput against Redis or the single node). */
    static Row ratioAtLeast(String target, Double ratio, double goal) {
        return ratio(target, ratio, goal, true);
    }

    /** ratio ≤ goal (latency against Redis). */
    static Row ratioAtMost(String target, Double ratio, double goal) {
        return ratio(target, ratio, goal, false);
    }

    private static Row ratio(String target, Double ratio, double goal, boolean higherIsBetter) {
        if (ratio == null) {
            return missing(target);
        }
        boolean met = higherIsBetter ? ratio >= goal : ratio <= goal;
        String word = higherIsBetter ? (met ? "above" : "short") : (met ? "under" : "over");
        return new Row(
                target,
                x(ratio),
                met,
                String.format(Locale.ROOT, "%.0f %% %s", Math.abs(ratio / goal - 1) * 100, word));
    }

    /** value below (strict) or at most (not strict) the limit, in {@code unit}. */
    static Row atMost(String target, Double value, double limit, boolean strict, String unit) {
        if (value == null) {
            return missing(target);
        }
        boolean met = strict ? value < limit : value <= limit;
        double diff = Math.abs(value - limit);
        return new Row(
                target,
                Report.format(value) + " " + unit,
                met,
                (met ? Report.format(diff) + " " + unit + " to spare" : Report.format(diff) + " " + unit + " over")
                        + String.format(Locale.ROOT, " (%s of the limit)", x(value / limit)));
    }

    /** ours − Redis ≤ allowed (the p50 "within 30 µs of Redis"). */
    static Row within(String target, Double ours, Double redis, double allowed, String unit) {
        if (ours == null || redis == null) {
            return missing(target);
        }
        double diff = ours - redis;
        boolean met = diff <= allowed;
        return new Row(
                target,
                Report.format(ours) + " vs " + Report.format(redis) + " " + unit + " (" + (diff >= 0 ? "+" : "")
                        + Report.format(diff) + ")",
                met,
                met
                        ? Report.format(allowed - diff) + " " + unit + " to spare"
                        : Report.format(diff - allowed) + " " + unit + " over");
    }

    private static Row missing(String target) {
        return new Row(target, "not measured", null, "");
    }

    private static String x(double ratio) {
        return Report.format(ratio) + "×";
    }

    static String markdown(List<Row> rows) {
        StringBuilder b =
                new StringBuilder("| Target (issue 12) | Measured | Met | By how much |\n|---|---|---|---|\n");
        for (Row r : rows) {
            String met = r.met() == null ? "not measured" : r.met() ? "met" : "**missed**";
            b.append("| ")
                    .append(r.target())
                    .append(" | ")
                    .append(r.measured())
                    .append(" | ")
                    .append(met)
                    .append(" | ")
                    .append(r.distance())
                    .append(" |\n");
        }
        long met = rows.stream().filter(r -> Boolean.TRUE.equals(r.met())).count();
        long missed = rows.stream().filter(r -> Boolean.FALSE.equals(r.met())).count();
        b.append("\nTargets met: ")
                .append(met)
                .append(" of ")
                .append(rows.size())
                .append(" (")
                .append(missed)
                .append(" missed, ")
                .append(rows.size() - met - missed)
                .append(" not measured).\n");
        return b.toString();
    }
}
