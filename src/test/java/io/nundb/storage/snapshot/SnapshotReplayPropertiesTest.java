package io.nundb.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.oplog.OpLogOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any sequence of operations, snapshots anywhere, a crash or a clean stop: recovery gives the same state. */
class SnapshotReplayPropertiesTest {

    sealed interface Op {}

    record Create(String db) implements Op {}

    record Put(String db, String key, String value) implements Op {}

    record Remove(String db, String key) implements Op {}

    record Snap(boolean reclaim) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<String> dbs = Arbitraries.of("a", "b", "c");
        Arbitrary<String> keys = Arbitraries.of("k1", "k2", "k3", "k4", "$$user_x", "long key");
        Arbitrary<String> values = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, dbs.map(Create::new)),
                net.jqwik.api.Tuple.of(
                        10, Combinators.combine(dbs, keys, values).as(Put::new)),
                net.jqwik.api.Tuple.of(3, Combinators.combine(dbs, keys).as(Remove::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(Snap::new)));
        return op.list().ofMaxSize(60);
    }

    @Property(tries = 60)
    void recoveryEqualsMemory(@ForAll("ops") List<Op> ops, @ForAll boolean crash, @ForAll boolean smallSegments)
            throws Exception {
        Path dir = Files.createTempDirectory("nundb-prop");
        try {
            OpLogOptions options =
                    smallSegments ? OpLogOptions.defaults().withSegmentBytes(300) : OpLogOptions.defaults();
            Map<String, Map<String, String>> expected;
            Node node = new Node(dir, options, RecoveryMode.STRICT);
            for (Op op : ops) {
                if (op instanceof Create c) {
                    node.createDb(c.db());
                } else if (op instanceof Put p && node.databases.exists(p.db())) {
                    node.put(p.db(), p.key(), p.value());
                } else if (op instanceof Remove r && node.databases.exists(r.db())) {
                    node.remove(r.db(), r.key());
                } else if (op instanceof Snap s) {
                    node.snapshotter.snapshot(s.reclaim()).get(10, TimeUnit.SECONDS);
                }
            }
            expected = node.state();
            if (crash) {
                node.crash();
            } else {
                node.close();
            }
            Node recovered = new Node(dir, options, RecoveryMode.STRICT);
            assertThat(recovered.state()).isEqualTo(expected);
            recovered.crash();
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
