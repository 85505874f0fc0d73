package io.nundb.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.LedgerWriter;
import io.nundb.testing.LedgerWriter.Outcome;
import io.nundb.testing.LedgerWriter.Write;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Checks {@link LedgerWriter}s' ledgers against what a converged {@link ProcessCluster} holds. */
final class Ledgers {

    private Ledgers() {}

    /**
     * Every node holds exactly the same keys; acknowledged writes are there (returns those that are
     * not), refused ones are not, unknown ones may be.
     */
    static List<Write> check(
            ProcessCluster c, String label, String db, String token, List<LedgerWriter> writers, long faultNanos)
            throws Exception {
        Map<String, Write> lastWrite = new LinkedHashMap<>();
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        Set<String> refusals = new TreeSet<>();
        for (LedgerWriter w : writers) {
            for (Write write : w.ledger()) {
                counts.merge(write.outcome(), 1, Integer::sum);
                if (write.outcome() == Outcome.REFUSED) {
                    refusals.add(write.reply());
                }
            }
            lastWrite.putAll(w.byKey());
        }
        System.out.printf("[%s] writes: %s; refusals: %s%n", label, counts, refusals);
        List<Map<String, String>> perNode = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            perNode.add(ProcessClusterProbe.values(c, i, db, token, lastWrite.keySet()));
        }
        assertThat(perNode.get(1)).as("node 1 holds what node 0 holds").isEqualTo(perNode.get(0));
        assertThat(perNode.get(2)).as("node 2 holds what node 0 holds").isEqualTo(perNode.get(0));
        Map<String, String> data = perNode.get(0);
        List<Write> lost = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (LedgerWriter w : writers) {
            if (w.singleKey()) {
                continue; // one key many times: its caller checks it against its watcher
            }
            for (Write write : w.ledger()) {
                String held = data.get(write.key());
                switch (write.outcome()) {
                    case ACKED -> {
                        if (held == null) {
                            lost.add(write);
                        } else if (!held.equals(write.value())) {
                            wrong.add(write + " holds " + held);
                        }
                    }
                    case REFUSED -> {
                        if (held != null) {
                            wrong.add("refused " + write + " is present");
                        }
                    }
                    case UNKNOWN -> {
                        if (held != null && !held.equals(write.value())) {
                            wrong.add(write + " holds " + held);
                        }
                    }
                }
            }
        }
        System.out.printf(
                "[%s] acknowledged writes lost: %d%s%n",
                label,
                lost.size(),
                lost.isEmpty()
                        ? ""
                        : String.format(
                                " (answered from %d ms before to %d ms after the fault)",
                                lost.stream()
                                        .mapToLong(w -> TimeUnit.NANOSECONDS.toMillis(faultNanos - w.answeredNanos()))
                                        .max()
                                        .orElseThrow(),
                                lost.stream()
                                        .mapToLong(w -> TimeUnit.NANOSECONDS.toMillis(w.answeredNanos() - faultNanos))
                                        .max()
                                        .orElseThrow()));
        assertThat(wrong).as("refused writes present or wrong values").isEmpty();
        return lost;
    }
}
