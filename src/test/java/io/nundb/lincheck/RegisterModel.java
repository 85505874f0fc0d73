package io.nundb.lincheck;

/**
 * A NunDB key as a sequential specification: a value (or absent) and a version that every write,
 * remove and successful compare-and-set moves up by one. The version a fresh key starts at is a
 * parameter, so the model can follow the server's numbering.
 */
public final class RegisterModel {

    /** The register's state; compared by value in the checker's cache. */
    public record State(String value, long version) {}

    private final long initialVersion;

    public RegisterModel(long initialVersion) {
        this.initialVersion = initialVersion;
    }

    public State initial() {
        return new State(null, initialVersion);
    }

    /**
     * Applies {@code op} to {@code state} if its {@code output} (null: unknown, anything goes) is
     * what the specification answers there; returns the next state, or null if it is not.
     */
    public State step(State state, Op op, Output output) {
        if (op instanceof Op.Write w) {
            return new State(w.value(), state.version() + 1);
        }
        if (op instanceof Op.Remove) {
            return new State(null, state.version() + 1);
        }
        if (op instanceof Op.Cas c) {
            boolean swaps = state.version() == c.expectedVersion();
            if (output != null && ((Output.Swapped) output).swapped() != swaps) {
                return null;
            }
            return swaps ? new State(c.value(), state.version() + 1) : state;
        }
        if (output == null) {
            return state;
        }
        Output.Value read = (Output.Value) output;
        boolean sameValue =
                read.value() == null ? state.value() == null : read.value().equals(state.value());
        boolean sameVersion = read.version() == null || read.version() == state.version();
        return sameValue && sameVersion ? state : null;
    }

    /** Whether {@code op} with this output leaves every state as it is (a removable witness in a counterexample). */
    static boolean readOnly(Op op, Output output) {
        return output != null
                && (op instanceof Op.Read || (op instanceof Op.Cas && !((Output.Swapped) output).swapped()));
    }
}
