package io.nundb.lincheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks that a history of register operations is linearizable, key by key (a history is
 * linearizable iff each key's sub-history is: P-compositionality). Runs on the caller's thread.
 *
 * <p>For an illegal key it shrinks the history to a small illegal witness, removing only
 * operations whose removal cannot turn a linearizable history illegal: completed reads and failed
 * compare-and-sets (they change nothing), and state changes that must be linearized last (invoked
 * after every other remaining operation returned). So if the witness is illegal, so is the history.
 */
public final class LinearizabilityChecker {

    private final RegisterModel model;

    /** A checker for keys whose versions start at {@code initialVersion} (see {@link RegisterModel}). */
    public LinearizabilityChecker(RegisterModel model) {
        this.model = model;
    }

    /** A checker whose fresh keys are at version 0. */
    public static CheckResult check(History history, Duration timeout) {
        return new LinearizabilityChecker(new RegisterModel(0)).checkHistory(history, timeout);
    }

    public CheckResult checkHistory(History history, Duration timeout) {
        return check(history.byKey(), timeout);
    }

    /** Checks operations already grouped by key. */
    public CheckResult check(Map<String, List<Operation>> byKey, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (timeout.isZero() || timeout.isNegative()) {
            return new CheckResult(CheckResult.Verdict.TIMEOUT, null, List.of(), "no time to search");
        }
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            // A read whose answer nobody saw constrains nothing; keeping it would only double the search.
            List<Operation> ops = e.getValue().stream()
                    .filter(o -> o.known() || !(o.op() instanceof Op.Read))
                    .toList();
            WingGongSearch search = new WingGongSearch(model, ops, deadline);
            WingGongSearch.Outcome outcome = search.run();
            if (outcome == WingGongSearch.Outcome.TIMEOUT) {
                return new CheckResult(
                        CheckResult.Verdict.TIMEOUT,
                        e.getKey(),
                        List.of(),
                        "timed out after " + timeout + " on key " + e.getKey() + " ("
                                + e.getValue().size() + " ops)");
            }
            if (outcome == WingGongSearch.Outcome.ILLEGAL) {
                return illegal(e.getKey(), ops, search.longestLinearization(), deadline);
            }
        }
        return new CheckResult(CheckResult.Verdict.OK, null, List.of(), "");
    }

    private CheckResult illegal(String key, List<Operation> ops, List<Operation> longest, long deadline) {
        List<Operation> witness = shrink(ops, deadline);
        String description = "key '" + key + "' is not linearizable; these " + witness.size() + " of its "
                + ops.size() + " operations cannot be ordered:\n  "
                + witness.stream().map(Operation::toString).collect(Collectors.joining("\n  "))
                + "\nlongest linearizable prefix found (" + longest.size() + " ops) ends with: "
                + longest.subList(Math.max(0, longest.size() - 5), longest.size());
        return new CheckResult(CheckResult.Verdict.ILLEGAL, key, witness, description);
    }

    /** Greedily drops removable operations while the rest stays illegal; stops at the deadline. */
    private List<Operation> shrink(List<Operation> ops, long deadline) {
        List<Operation> current = new ArrayList<>(ops);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = current.size() - 1; i >= 0; i--) {
                if (System.nanoTime() - deadline > 0) {
                    return current;
                }
                if (!removable(current, i)) {
                    continue;
                }
                List<Operation> without = new ArrayList<>(current);
                without.remove(i);
                if (new WingGongSearch(model, without, deadline).run() == WingGongSearch.Outcome.ILLEGAL) {
                    current = without;
                    changed = true;
                }
            }
        }
        return current;
    }

    private static boolean removable(List<Operation> ops, int i) {
        Operation op = ops.get(i);
        if (RegisterModel.readOnly(op.op(), op.output())) {
            return true;
        }
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && ops.get(j).ret() >= op.call()) {
                return false;
            }
        }
        return true;
    }
}
