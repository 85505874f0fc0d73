package io.nundb.lincheck;

/**
 * One operation of a history: invoked at {@code call}, answered at {@code ret}. An operation whose
 * outcome is unknown (a timeout or an error after the request was sent: it may or may not have
 * happened) has a null {@code output} and returns at {@link #NEVER}, so the checker may place it
 * anywhere after its call, including after everything else (which is the same as never).
 */
public record Operation(long id, String client, String key, Op op, long call, long ret, Output output) {

    /** The return time of an operation whose outcome is unknown. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        if (ret < call) {
            throw new IllegalArgumentException(
                    "operation " + id + " returns (" + ret + ") before its call (" + call + ")");
        }
        if ((output == null) != (ret == NEVER)) {
            throw new IllegalArgumentException(
                    "operation " + id + ": an unknown outcome returns at NEVER, a known one before");
        }
        if (output != null) {
            requireFits(id, op, output);
        }
    }

    static void requireFits(long id, Op op, Output output) {
        boolean fits = op instanceof Op.Read
                ? output instanceof Output.Value
                : op instanceof Op.Cas ? output instanceof Output.Swapped : output instanceof Output.Done;
        if (!fits) {
            throw new IllegalArgumentException("operation " + id + ": output " + output + " does not answer " + op);
        }
    }

    /** A completed operation. */
    public static Operation completed(long id, String client, String key, Op op, long call, long ret, Output output) {
        return new Operation(id, client, key, op, call, ret, output);
    }

    /** An operation that may or may not have happened. */
    public static Operation unknown(long id, String client, String key, Op op, long call) {
        return new Operation(id, client, key, op, call, NEVER, null);
    }

    public boolean known() {
        return output != null;
    }

    @Override
    public String toString() {
        String answer = output == null ? "?" : describe(output);
        return "#" + id + " " + client + " " + describe(op) + " -> " + answer + " [" + call + ", "
                + (ret == NEVER ? "inf" : String.valueOf(ret)) + "]";
    }

    private static String describe(Op op) {
        if (op instanceof Op.Write w) {
            return "write(" + w.value() + ")";
        }
        if (op instanceof Op.Cas c) {
            return "cas(v" + c.expectedVersion() + ", " + c.value() + ")";
        }
        return op instanceof Op.Read ? "read()" : "remove()";
    }

    private static String describe(Output output) {
        if (output instanceof Output.Value v) {
            String value = v.value() == null ? "absent" : v.value();
            return v.version() == null ? value : value + " v" + v.version();
        }
        if (output instanceof Output.Swapped s) {
            return s.swapped() ? "swapped" : "not swapped";
        }
        return "ok";
    }
}
