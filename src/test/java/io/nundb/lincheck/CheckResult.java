package io.nundb.lincheck;

import java.util.List;

/**
 * The checker's verdict. For {@link Verdict#ILLEGAL}: the first key found illegal, a small
 * sub-history of it that is illegal on its own ({@code counterexample}) and a readable account.
 */
public record CheckResult(Verdict verdict, String key, List<Operation> counterexample, String description) {

    public enum Verdict {
        /** Every key's history is linearizable. */
        OK,
        /** Some key's history is not. */
        ILLEGAL,
        /** The search ran out of time: nothing is known. */
        TIMEOUT
    }

    public CheckResult {
        counterexample = List.copyOf(counterexample);
    }

    public boolean ok() {
        return verdict == Verdict.OK;
    }

    @Override
    public String toString() {
        return verdict + (description.isEmpty() ? "" : ": " + description);
    }
}
