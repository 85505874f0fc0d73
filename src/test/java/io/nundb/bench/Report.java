package io.nundb.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects each phase's figures per server and prints them side by side as a Markdown table. */
final class Report {

    /** One figure of a phase. */
    record Metric(String name, double value) {}

    /**
     * A target on the ratio ours/Redis of one metric: at most {@code ratio} when lower is better
     * (latency), at least {@code ratio} when higher is better (throughput).
     */
    record Goal(String metric, boolean higherIsBetter, double ratio) {
        boolean met(double oursOverRedis) {
            return higherIsBetter ? oursOverRedis >= ratio : oursOverRedis <= ratio;
        }

        String text() {
            return (higherIsBetter ? "≥ " : "≤ ") + format(ratio) + "×";
        }
    }

    private record Phase(String title, List<Goal> goals, Map<String, Object> byServer) {}

    private final List<Phase> phases = new ArrayList<>();
    private final String ours;
    private final String redis;

    Report(String ours, String redis) {
        this.ours = ours;
        this.redis = redis;
    }

    void phase(String title, List<Goal> goals) {
        phases.add(new Phase(title, goals, new LinkedHashMap<>()));
    }

    /** Figures of the current phase for one server. */
    void figures(String server, List<Metric> metrics) {
        current().byServer().put(server, metrics);
    }

    /** The current phase failed on one server. */
    void failure(String server, String reason) {
        current().byServer().put(server, reason);
    }

    private Phase current() {
        return phases.get(phases.size() - 1);
    }

    /**
     * Goals met, missed, and not comparable, over all phases. A phase that failed on our server
     * misses its goals; one that failed only on Redis cannot be compared.
     */
    int[] goalTally() {
        int met = 0;
        int missed = 0;
        int unknown = 0;
        for (Phase phase : phases) {
            for (Goal goal : phase.goals()) {
                Double a = value(phase, ours, goal.metric());
                Double b = value(phase, redis, goal.metric());
                if (phase.byServer().get(ours) instanceof String) {
                    missed++;
                } else if (a != null && b != null && b != 0) {
                    if (goal.met(a / b)) {
                        met++;
                    } else {
                        missed++;
                    }
                } else {
                    unknown++;
                }
            }
        }
        return new int[] {met, missed, unknown};
    }

    void print(PrintStream out) {
        out.println("| Phase | Figure | " + ours + " | " + redis + " | ours / Redis | Target | Met |");
        out.println("|---|---|---:|---:|---:|---|---|");
        for (Phase phase : phases) {
            List<String> names = metricNames(phase);
            if (names.isEmpty()) {
                out.println("| " + phase.title() + " | failed | " + cell(phase, ours, null) + " | "
                        + cell(phase, redis, null) + " | | | |");
                continue;
            }
            boolean first = true;
            for (String name : names) {
                Double a = value(phase, ours, name);
                Double b = value(phase, redis, name);
                String ratio = a != null && b != null && b != 0 ? format(a / b) : "";
                Goal goal = phase.goals().stream()
                        .filter(g -> g.metric().equals(name))
                        .findFirst()
                        .orElse(null);
                String target = goal == null ? "" : goal.text();
                String met;
                if (goal == null) {
                    met = "";
                } else if (phase.byServer().get(ours) instanceof String) {
                    met = "**no** (failed)";
                } else {
                    met = ratio.isEmpty() ? "" : (goal.met(a / b) ? "yes" : "**no**");
                }
                out.println("| " + (first ? phase.title() : "") + " | " + name + " | " + cell(phase, ours, name) + " | "
                        + cell(phase, redis, name) + " | " + ratio + " | " + target + " | " + met + " |");
                first = false;
            }
        }
    }

    private static List<String> metricNames(Phase phase) {
        for (Object result : phase.byServer().values()) {
            if (result instanceof List<?> metrics) {
                List<String> names = new ArrayList<>();
                for (Object m : metrics) {
                    names.add(((Metric) m).name());
                }
                return names;
            }
        }
        return List.of();
    }

    private static Double value(Phase phase, String server, String metric) {
        Object result = phase.byServer().get(server);
        if (result instanceof List<?> metrics) {
            for (Object m : metrics) {
                Metric metricValue = (Metric) m;
                if (metricValue.name().equals(metric)) {
                    return metricValue.value();
                }
            }
        }
        return null;
    }

    private static String cell(Phase phase, String server, String metric) {
        Object result = phase.byServer().get(server);
        if (result == null) {
            return "–";
        }
        if (result instanceof String failure) {
            return metric == null || metric.equals(metricNames(phase).get(0)) ? "failed: " + failure : "";
        }
        Double value = value(phase, server, metric);
        return value == null ? "–" : format(value);
    }

    /** Per metric, the median over rounds (the lower middle one for an even count). */
    static List<Metric> medians(List<List<Metric>> rounds) {
        List<Metric> result = new ArrayList<>();
        List<Metric> first = rounds.get(0);
        for (int i = 0; i < first.size(); i++) {
            double[] values = new double[rounds.size()];
            for (int r = 0; r < rounds.size(); r++) {
                values[r] = rounds.get(r).get(i).value();
            }
            Arrays.sort(values);
            result.add(new Metric(first.get(i).name(), values[(values.length - 1) / 2]));
        }
        return result;
    }

    /** Three significant digits below 100, whole numbers with thousands separators above. */
    static String format(double value) {
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,d", Math.round(value));
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
