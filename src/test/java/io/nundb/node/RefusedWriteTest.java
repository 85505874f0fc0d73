package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.storage.oplog.DelegatingChannel;
import io.nundb.storage.oplog.SegmentChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write the op log refuses (disk full) is answered {@code error write not stored}, never reaches
 * memory or a watcher, and leaves the key's version where it was: end to end through the engine of
 * a node whose disk fails on demand.
 */
@Timeout(60)
class RefusedWriteTest {

    @TempDir
    Path dir;

    private final AtomicBoolean diskFull = new AtomicBoolean();

    /** Real segment files whose writes fail while {@link #diskFull} is set. */
    private SegmentChannel.Opener flakyDisk() {
        return path -> {
            SegmentChannel real = SegmentChannel.FILES.open(path);
            return new DelegatingChannel(real) {
                @Override
                public void writeFully(ByteBuffer buffer) throws IOException {
                    if (diskFull.get()) {
                        throw new IOException("No space left on device");
                    }
                    super.writeFully(buffer);
                }
            };
        };
    }

    private NunDbNode open() {
        return new NunDbNode(NodeOptions.onDisk(dir, "n1", "nun", "pwd").withSegments(flakyDisk()));
    }

    @Test
    void aRefusedWriteIsNeitherReadableNorNotifiedAndTheNextWriteGetsTheRightVersion() {
        try (NunDbNode node = open()) {
            NodeClient admin = new NodeClient(node);
            admin.send("auth nun pwd");
            assertThat(admin.send("create-db app app-pwd")).isEqualTo("create-db success\nok \n");
            assertThat(admin.send("use-db app app-pwd")).isEqualTo("ok \n");
            NodeClient watcher = new NodeClient(node);
            watcher.send("use-db app app-pwd");
            assertThat(watcher.send("watch k")).isEqualTo("ok \n");
            assertThat(admin.send("set k good")).isEqualTo("ok \n");
            assertThat(admin.send("set n 1")).isEqualTo("ok \n");
            assertThat(watcher.pushed()).containsExactly("changed k good\n", "changed-version k 0 good\n");

            diskFull.set(true);
            assertThat(admin.send("set k bad"))
                    .startsWith("error write not stored: ")
                    .contains("No space left");
            assertThat(admin.send("increment n 5")).startsWith("error write not stored: ");
            assertThat(admin.send("remove k")).startsWith("error write not stored: ");
            assertThat(admin.send("create-db other other-pwd")).startsWith("error write not stored: ");

            // the reply came after the refusal was handled: nothing of it is in memory or was sent
            assertThat(admin.send("get-safe k")).isEqualTo("value-version 0 good\nok \n");
            assertThat(admin.send("get n")).isEqualTo("value 1\nok \n");
            assertThat(watcher.pushed()).isEmpty();
            assertThat(admin.send("use-db other other-pwd")).isEqualTo("error Not a valid database name \n");
            admin.send("use-db app app-pwd");

            diskFull.set(false);
            assertThat(admin.send("set k better")).isEqualTo("ok \n");
            assertThat(admin.send("increment n 1")).isEqualTo("ok \n");
            assertThat(admin.send("get-safe k")).isEqualTo("value-version 1 better\nok \n");
            assertThat(admin.send("get n")).isEqualTo("value 2\nok \n");
            assertThat(watcher.pushed()).containsExactly("changed k better\n", "changed-version k 1 better\n");
            assertThat(admin.send("create-db other other-pwd")).isEqualTo("create-db success\nok \n");
        }
        // and the disk agrees with what the clients were told
        try (NunDbNode node = open()) {
            NodeClient client = new NodeClient(node);
            client.send("use-db app app-pwd");
            assertThat(client.send("get-safe k")).isEqualTo("value-version 1 better\nok \n");
            assertThat(client.send("get n")).isEqualTo("value 2\nok \n");
        }
    }
}
