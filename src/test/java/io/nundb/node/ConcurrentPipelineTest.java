package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.oplog.FsyncPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many writers on a real op log: every acknowledged increment is applied exactly once, each key's
 * watch events come in version order, and a restart finds what the clients were told.
 */
@Timeout(120)
class ConcurrentPipelineTest {

    private static final int WRITERS = 4;
    private static final int PER_WRITER = 300;
    private static final int KEYS = 5;

    @TempDir
    Path dir;

    @Test
    void concurrentIncrementsAreAppliedOnceAndNotifiedInVersionOrder() throws Exception {
        NodeOptions options = NodeOptions.onDisk(dir, "n", "nun", "pwd").withFsync(FsyncPolicy.NEVER);
        NodeClient watcher;
        try (NunDbNode node = new NunDbNode(options)) {
            NodeClient admin = new NodeClient(node);
            admin.send("auth nun pwd");
            admin.send("create-db app app-pwd");
            watcher = new NodeClient(node);
            watcher.send("use-db app app-pwd");
            for (int k = 0; k < KEYS; k++) {
                watcher.send("watch k" + k);
            }
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        NodeClient c = new NodeClient(node);
                        c.send("use-db app app-pwd");
                        for (int i = 0; i < PER_WRITER; i++) {
                            assertThat(c.send("increment k" + ((i + writer) % KEYS) + " 1"))
                                    .isEqualTo("ok \n");
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(node.stateMachine().appliedIndex()).isEqualTo(1 + WRITERS * PER_WRITER);
            Map<String, List<Integer>> versions = new HashMap<>();
            Map<String, List<Long>> values = new HashMap<>();
            for (String m : watcher.pushed()) {
                String[] p = m.trim().split(" ");
                if (p[0].equals("changed-version")) {
                    versions.computeIfAbsent(p[1], x -> new ArrayList<>()).add(Integer.parseInt(p[2]));
                    values.computeIfAbsent(p[1], x -> new ArrayList<>()).add(Long.parseLong(p[3]));
                }
            }
            int perKey = WRITERS * PER_WRITER / KEYS;
            for (int k = 0; k < KEYS; k++) {
                assertThat(versions.get("k" + k)).hasSize(perKey).isSorted().doesNotHaveDuplicates();
                assertThat(values.get("k" + k)).hasSize(perKey).isSorted().doesNotHaveDuplicates();
                assertThat(admin.send("use-db app app-pwd")).isEqualTo("ok \n");
                assertThat(admin.send("get k" + k)).isEqualTo("value " + perKey + "\nok \n");
            }
        }
        try (NunDbNode node = new NunDbNode(options)) {
            NodeClient c = new NodeClient(node);
            c.send("use-db app app-pwd");
            for (int k = 0; k < KEYS; k++) {
                assertThat(c.send("get-safe k" + k))
                        .isEqualTo("value-version " + (WRITERS * PER_WRITER / KEYS - 1) + " "
                                + (WRITERS * PER_WRITER / KEYS) + "\nok \n");
            }
        }
    }
}
