package io.nundb.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One perf phase's figures: per setup (ours, Redis; or single node, 3-node lazy, 3-node majority)
 * one result map per round, a failure text if a run failed, and the machine load at its start and
 * end. Each figure prints as the median over rounds; each ratio is setup / reference, the median of
 * the per-round ratios (a round's runs are seconds apart, so pairing them cancels much of the
 * background load; a ratio of medians would mix different minutes). Single-threaded.
 */
final class PerfPhase {

    /** A figure of the result line: its key, its label in the table, and whether a ratio means something. */
    record Figure(String key, String label, boolean ratio) {}

    private final String id;
    private final String title;
    private final List<String> setups;
    private final int reference;
    private final List<Figure> figures;
    private final Map<String, List<Map<String, Double>>> rounds = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private String loadStart = "";
    private String loadEnd = "";

    PerfPhase(String id, String title, List<String> setups, int reference, List<Figure> figures) {
        this.id = id;
        this.title = title;
        this.setups = List.copyOf(setups);
        this.reference = reference;
        this.figures = List.copyOf(figures);
        for (String s : setups) {
            rounds.put(s, new ArrayList<>());
        }
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    List<String> setups() {
        return setups;
    }

    void load(String start, String end) {
        this.loadStart = start;
        this.loadEnd = end;
    }

    void note(String note) {
        notes.add(note);
    }

    /** A round's figures for one setup ({@code null}: that run failed, see {@link #fail}). */
    void round(String setup, int round, Map<String, Double> result) {
        List<Map<String, Double>> list = rounds.get(setup);
        while (list.size() <= round) {
            list.add(null);
        }
        list.set(round, result);
    }

    void fail(String setup, String reason) {
        failures.putIfAbsent(setup, reason);
    }

    String failure(String setup) {
        return failures.get(setup);
    }

    /** The figure's per-round values of one setup, failed rounds as null; empty for a setup not in the phase. */
    List<Double> values(String setup, String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> r : rounds.getOrDefault(setup, List.of())) {
            values.add(r == null ? null : r.get(key));
        }
        return values;
    }

    /** Median over the rounds that produced the figure; null if none did. */
    Double median(String setup, String key) {
        return median(values(setup, key));
    }

    /** setup / reference per round, for the rounds where both produced the figure. */
    List<Double> roundRatios(String setup, String key) {
        List<Double> a = values(setup, key);
        List<Double> b = values(setups.get(reference), key);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (a.get(i) != null && b.get(i) != null && b.get(i) != 0) {
                ratios.add(a.get(i) / b.get(i));
            }
        }
        return ratios;
    }

    /** The median of {@link #roundRatios}; null if there is none. */
    Double ratio(String setup, String key) {
        return median(roundRatios(setup, key));
    }

    /** The median of the non-null values (the mean of the middle two for an even count); null if none. */
    static Double median(List<Double> values) {
        double[] v = values.stream()
                .filter(x -> x != null && !x.isNaN())
                .mapToDouble(Double::doubleValue)
                .toArray();
        if (v.length == 0) {
            return null;
        }
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The phase as a Markdown section: one row per figure, medians, ratios to the reference, per-round ratios. */
    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("### ").append(title).append('\n').append('\n');
        b.append("Load average ")
                .append(loadStart)
                .append(" at the start, ")
                .append(loadEnd)
                .append(" at the end.\n\n");
        String ref = setups.get(reference);
        List<String> others = setups.stream().filter(s -> !s.equals(ref)).toList();
        b.append("| figure |");
        setups.forEach(s -> b.append(' ').append(s).append(" |"));
        others.forEach(s -> b.append(' ').append(s).append(" / ").append(ref).append(" | per round |"));
        b.append('\n').append("|---|");
        setups.forEach(s -> b.append("---:|"));
        others.forEach(s -> b.append("---:|---|"));
        b.append('\n');
        for (Figure f : figures) {
            b.append("| ").append(f.label()).append(" |");
            for (String s : setups) {
                Double m = median(s, f.key());
                b.append(' ').append(m == null ? "–" : Report.format(m)).append(" |");
            }
            for (String s : others) {
                Double r = f.ratio() ? ratio(s, f.key()) : null;
                b.append(' ').append(r == null ? "" : Report.format(r)).append(" | ");
                if (f.ratio()) {
                    b.append(
                            roundRatios(s, f.key()).stream().map(Report::format).collect(Collectors.joining(", ")));
                }
                b.append(" |");
            }
            b.append('\n');
        }
        failures.forEach((s, reason) ->
                b.append("\n**").append(s).append(" failed:** ").append(reason).append('\n'));
        notes.forEach(n -> b.append('\n').append(n).append('\n'));
        return b.toString();
    }
}
