package io.nundb.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a node takes part in a cluster.
 *
 * @param self this node's id: the cluster address its peers reach it at ({@code NUN_EXTERNAL_ADDR})
 * @param members every member's id, this node's included
 * @param ack when writes are answered
 * @param electionTimeout the longest a secondary waits without hearing from the primary before it
 *     campaigns ({@code NUN_ELECTION_TIMEOUT}); each waits a random time between half of it and all of it
 * @param writeWait how long a write waits for a primary during an election before it fails
 */
public record ClusterOptions(
        String self, Set<String> members, AckMode ack, Duration electionTimeout, Duration writeWait) {

    public ClusterOptions {
        if (self == null || self.isBlank()) {
            throw new IllegalArgumentException("a clustered node needs its own address (NUN_EXTERNAL_ADDR)");
        }
        if (self.startsWith("0.0.0.0:")) {
            throw new IllegalArgumentException("peers cannot reach " + self
                    + ": set NUN_EXTERNAL_ADDR to the address peers use to reach this node");
        }
        TreeSet<String> all = new TreeSet<>(members);
        all.add(self);
        members = Set.copyOf(all);
        ack = ack == null ? AckMode.LAZY : ack;
        electionTimeout = electionTimeout == null ? Duration.ofMillis(1000) : electionTimeout;
        if (electionTimeout.toMillis() < 20) {
            throw new IllegalArgumentException("NUN_ELECTION_TIMEOUT must be at least 20 ms");
        }
        writeWait = writeWait == null ? electionTimeout.multipliedBy(3).plusSeconds(1) : writeWait;
    }

    /** Members from a comma list ({@code NUN_REPLICATE_ADDR}), blanks ignored. */
    public static Set<String> parseMembers(String commaList) {
        TreeSet<String> out = new TreeSet<>();
        if (commaList != null) {
            Arrays.stream(commaList.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .forEach(out::add);
        }
        return out;
    }

    public ClusterOptions withAck(AckMode mode) {
        return new ClusterOptions(self, members, mode, electionTimeout, writeWait);
    }
}
