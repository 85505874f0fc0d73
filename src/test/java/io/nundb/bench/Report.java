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

    /** {@code byServer}: per server its figures (medians over rounds) or its failure text. */
    private record Phase(
            String title, List<Goal> goals, Map<String, Object> byServer, Map<String, List<List<Metric>>> rounds) {}

    private final List<Phase> phases = new ArrayList<>();
    private final String ours;
    private final String redis;

    Report(String ours, String redis) {
        this.ours = ours;
        this.redis = redis;
    }

    void phase(String title, List<Goal> goals) {
        phases.add(new Phase(title, goals, new LinkedHashMap<>(), new LinkedHashMap<>()));
    }

    /** Figures of the current phase for one server, from a single round. */
    void figures(String server, List<Metric> metrics) {
        rounds(server, List.of(metrics));
    }

    /** Figures of the current phase for one server, one list per round. */
    void rounds(String server, List<List<Metric>> perRound) {
        current().byServer().put(server, medians(perRound));
        current().rounds().put(server, perRound);
    }

    /**
     * ours / Redis for one metric: with several rounds, the median of the per-round ratios.
     * Rounds run side by side in time, so pairing them cancels most of the background load that
     * hits one round and not the next; a ratio of medians would mix figures from different rounds.
     */
    private Double ratio(Phase phase, String metric) {
        List<List<Metric>> a = phase.rounds().get(ours);
        List<List<Metric>> b = phase.rounds().get(redis);
        if (a == null || b == null || a.size() != b.size()) {
            return null;
        }
        double[] ratios = new double[a.size()];
        for (int r = 0; r < a.size(); r++) {
            Double x = find(a.get(r), metric);
            Double y = find(b.get(r), metric);
            if (x == null || y == null || y == 0) {
                return null;
            }
            ratios[r] = x / y;
        }
        Arrays.sort(ratios);
        return ratios[(ratios.length - 1) / 2];
    }

    private static Double find(List<Metric> metrics, String name) {
        for (Metric m : metrics) {
            if (m.name().equals(name)) {
                return m.value();
            }
        }
        return null;
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
                Double ratio = ratio(phase, goal.metric());
                if (phase.byServer().get(ours) instanceof String) {
                    missed++;
                } else if (ratio != null) {
                    if (goal.met(ratio)) {
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
                Double r = ratio(phase, name);
                String ratio = r == null ? "" : format(r);
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
                    met = r == null ? "" : (goal.met(r) ? "yes" : "**no**");
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
