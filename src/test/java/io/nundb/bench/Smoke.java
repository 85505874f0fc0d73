package io.nundb.bench;

/**
 * The smoke switch: with {@value #VARIABLE}=1 in the environment every bench program shrinks its
 * defaults to seconds (one round, one measured second, few connections, keys and writes), so a walk
 * of the docs runs each phase's real code and prints its normal tables without minutes of load.
 * Only defaults change: a {@code -D} given on the command line still wins. Plain Java, read once
 * by the bench's main thread.
 */
final class Smoke {

    static final String VARIABLE = "NUNDB_BENCH_SMOKE";

    private Smoke() {}

    static boolean on() {
        return "1".equals(System.getenv(VARIABLE));
    }

    /** {@code normal}, or {@code smoke} when the switch is on. */
    static String or(String normal, String smoke) {
        return on() ? smoke : normal;
    }

    /** {@code normal}, or {@code smoke} when the switch is on. */
    static int or(int normal, int smoke) {
        return on() ? smoke : normal;
    }

    /** Says on {@code out} that the figures of this run mean nothing, when the switch is on. */
    static void announce(java.io.PrintStream out) {
        if (on()) {
            out.println(VARIABLE + "=1: smoke run with shrunk defaults (explicit -D settings still win);"
                    + " the figures mean nothing.");
        }
    }
}
