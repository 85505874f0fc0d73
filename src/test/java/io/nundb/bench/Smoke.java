package io.nundb.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The smoke switch: with {@value #VARIABLE}=1 in the environment every bench program (and the fuzz
 * harness) runs for seconds, so a walk of the docs runs each phase's real code and prints its normal
 * tables without minutes of load. Its durations, rounds, trials, warm-ups and counts default to
 * their smoke values, and a value given explicitly ({@code -D…}, JMH's {@code -f}/{@code -wi}/
 * {@code -i}/{@code -r}/{@code -w}) is capped at that smoke value: a documented command with long
 * settings runs as written, only shorter. {@link #announce} says in one line which explicit settings
 * were capped, so a user who left the variable set by mistake sees why the run was short. Settings
 * that do not make a run longer (phases, pipeline depth, JVM options) are left as given, but the
 * JVMs a bench starts run C1 only ({@link #jvm}). Plain Java,
 * used by the bench's main thread (the notes are kept in a synchronized list).
 */
public final class Smoke {

    public static final String VARIABLE = "NUNDB_BENCH_SMOKE";

    private static final Smoke SWITCH = new Smoke("1".equals(System.getenv(VARIABLE)), System::getProperty);

    private final boolean on;
    private final UnaryOperator<String> properties;
    /** The explicit settings capped so far, as {@code -Dname=given → cap} or {@code -f 1 → 0}. */
    private final List<String> capped = new ArrayList<>();

    /** A switch reading {@code properties} (system properties in use; a map in tests). */
    Smoke(boolean on, UnaryOperator<String> properties) {
        this.on = on;
        this.properties = properties;
    }

    public static boolean on() {
        return SWITCH.on;
    }

    /** {@code -Dproperty} as an integer, else {@code normal}; with the switch on, at most {@code smoke}. */
    public static int integer(String property, int normal, int smoke) {
        return SWITCH.integerOf(property, normal, smoke);
    }

    /** {@code -Dproperty} as a number, else {@code normal}; with the switch on, at most {@code smoke}. */
    static double number(String property, double normal, double smoke) {
        return SWITCH.numberOf(property, normal, smoke);
    }

    /**
     * {@code -Dproperty} as comma-separated integers, else {@code normal}; with the switch on {@code
     * smoke}, and an explicit list's numbers each at most {@code smoke}'s largest.
     */
    static List<Integer> integers(String property, String normal, String smoke) {
        return SWITCH.integersOf(property, normal, smoke);
    }

    /**
     * The options of a JVM the bench starts: {@code given}, and with the switch on C1 only ({@value
     * #C1_ONLY}, unless {@code given} sets the tier): about half the CPU to start a server, which is
     * most of a smoke run's cost.
     */
    static List<String> jvm(List<String> given) {
        return SWITCH.jvmOf(given);
    }

    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    /** Notes that an explicit setting was capped (for settings read elsewhere, such as JMH's options). */
    static void note(String given, String cap) {
        SWITCH.noteCapped(given, cap);
    }

    /** Says on {@code out}, in one line, that the figures of this run mean nothing and what was capped. */
    public static void announce(PrintStream out) {
        String line = SWITCH.announcement();
        if (line != null) {
            out.println(line);
        }
    }

    int integerOf(String property, int normal, int smoke) {
        return bounded(property, Integer::valueOf, normal, smoke, Integer.toString(smoke));
    }

    double numberOf(String property, double normal, double smoke) {
        return bounded(property, Double::valueOf, normal, smoke, plain(smoke));
    }

    private <T extends Comparable<T>> T bounded(
            String property, Function<String, T> parse, T normal, T smoke, String shown) {
        String given = properties.apply(property);
        if (given == null) {
            return on ? smoke : normal;
        }
        T value = parse.apply(given.strip());
        if (on && value.compareTo(smoke) > 0) {
            noteCapped("-D" + property + "=" + given.strip(), shown);
            return smoke;
        }
        return value;
    }

    List<Integer> integersOf(String property, String normal, String smoke) {
        String given = properties.apply(property);
        if (given == null) {
            return parse(on ? smoke : normal);
        }
        List<Integer> values = parse(given);
        if (!on) {
            return values;
        }
        int cap = parse(smoke).stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Integer> bounded =
                values.stream().map(v -> Math.min(v, cap)).distinct().toList();
        if (!bounded.equals(values)) {
            noteCapped(
                    "-D" + property + "=" + given.strip(),
                    String.join(",", bounded.stream().map(String::valueOf).toList()));
        }
        return bounded;
    }

    List<String> jvmOf(List<String> given) {
        if (!on || given.stream().anyMatch(o -> o.startsWith("-XX:TieredStopAtLevel="))) {
            return given;
        }
        List<String> options = new ArrayList<>(given);
        options.add(C1_ONLY);
        return List.copyOf(options);
    }

    synchronized void noteCapped(String given, String cap) {
        capped.add(given + " → " + cap);
    }

    /** The line {@link #announce} prints, or {@code null} with the switch off. */
    synchronized String announcement() {
        if (!on) {
            return null;
        }
        return VARIABLE + "=1: smoke run, seconds of load; the figures mean nothing. "
                + (capped.isEmpty()
                        ? "No setting capped."
                        : "Settings capped to their smoke values: " + String.join(", ", capped) + ".");
    }

    private static List<Integer> parse(String text) {
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Integer::valueOf)
                .toList();
    }

    /** {@code 1} rather than {@code 1.0}, {@code 0.5} as it is. */
    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
