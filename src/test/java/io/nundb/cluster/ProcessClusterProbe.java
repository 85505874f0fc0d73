package io.nundb.cluster;

import static org.awaitility.Awaitility.await;

import io.nundb.cluster.testing.ProcessCluster;
import io.nundb.testing.LineClient;
import io.nundb.testing.PipelinedGets;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Questions the process tests ask a {@link ProcessCluster}'s nodes over their TCP client ports:
 * who is primary ({@code debug cluster}), the data digest ({@code debug digest}), many values at
 * once. Threads: the caller's; every call opens its own connection.
 */
final class ProcessClusterProbe {

    private static final Pattern ROLE = Pattern.compile("role=(\\S+)");
    private static final Pattern PRIMARY = Pattern.compile("primary=(\\S+)");

    private ProcessClusterProbe() {}

    /** An admin session on node {@code i}. */
    static LineClient admin(ProcessCluster c, int i) throws IOException {
        LineClient client = c.tcp(i);
        client.call("auth " + ProcessCluster.USER + " " + ProcessCluster.PASSWORD);
        return client;
    }

    /** The first line of {@code debug cluster} on node {@code i}. */
    static String clusterInfo(ProcessCluster c, int i) throws IOException {
        try (LineClient admin = admin(c, i)) {
            return admin.call("debug cluster").get(0);
        }
    }

    static String role(String clusterInfo) {
        Matcher m = ROLE.matcher(clusterInfo);
        return m.find() ? m.group(1) : "?";
    }

    static String primary(String clusterInfo) {
        Matcher m = PRIMARY.matcher(clusterInfo);
        return m.find() ? m.group(1) : "none";
    }

    /**
     * Waits until every node of {@code among} names the same primary, that primary is one of them
     * and says it leads; returns its index.
     */
    static int awaitPrimary(ProcessCluster c, Collection<Integer> among, Duration timeout) {
        int[] found = {-1};
        await("one primary agreed by nodes " + among)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    Set<String> named = new TreeSet<>();
                    Map<String, String> roles = new HashMap<>();
                    for (int i : among) {
                        String info = clusterInfo(c, i);
                        named.add(primary(info));
                        roles.put(c.node(i).externalAddress(), role(info));
                    }
                    if (named.size() != 1) {
                        return false;
                    }
                    String primary = named.iterator().next();
                    if (!"leader".equals(roles.get(primary))) {
                        return false;
                    }
                    found[0] = indexOf(c, primary);
                    return true;
                });
        return found[0];
    }

    static int indexOf(ProcessCluster c, String externalAddress) {
        for (ProcessCluster.Node n : c.nodes()) {
            if (n.externalAddress().equals(externalAddress)) {
                return n.index();
            }
        }
        throw new IllegalArgumentException("no node advertises " + externalAddress);
    }

    static String digest(ProcessCluster c, int i) throws IOException {
        try (LineClient admin = admin(c, i)) {
            return admin.call("debug digest").get(0);
        }
    }

    /** Waits until every node reports the same data digest; returns it. */
    static String awaitSameDigest(ProcessCluster c, Duration timeout) {
        List<String> last = new ArrayList<>();
        await("equal digests on all nodes (last seen " + last + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    List<String> digests = new ArrayList<>();
                    for (int i = 0; i < c.size(); i++) {
                        digests.add(digest(c, i));
                    }
                    last.clear();
                    last.addAll(digests);
                    return digests.get(0).startsWith("digest ")
                            && Set.copyOf(digests).size() == 1;
                });
        return last.get(0);
    }

    /** Creates database {@code db} (token {@code token}) through node {@code i} and waits until every node has it. */
    static void createDb(ProcessCluster c, int i, String db, String token) throws IOException {
        try (LineClient admin = admin(c, i)) {
            List<String> reply = admin.call("create-db " + db + " " + token);
            if (!reply.get(reply.size() - 1).equals("ok ")) {
                throw new IllegalStateException("create-db " + db + " failed: " + reply);
            }
        }
        for (int n = 0; n < c.size(); n++) {
            int node = n;
            await("db " + db + " on node " + node)
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> {
                        try (LineClient client = c.tcp(node)) {
                            return client.call("use-db " + db + " " + token).contains("ok ");
                        }
                    });
        }
    }

    /** The values of {@code keys} in {@code db} on node {@code i}, absent keys left out (see {@link PipelinedGets}). */
    static Map<String, String> values(ProcessCluster c, int i, String db, String token, Collection<String> keys)
            throws IOException {
        return PipelinedGets.values("127.0.0.1", c.node(i).tcpPort(), db, token, keys);
    }
}
