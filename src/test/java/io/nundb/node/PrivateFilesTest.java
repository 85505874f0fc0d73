package io.nundb.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The data directory holds tokens and values: other users of the machine cannot read it (issue 9). */
@Timeout(60)
class PrivateFilesTest {

    @TempDir
    Path dir;

    @Test
    void everyDirectoryIsOwnerOnlyAndEveryFileOwnerReadWrite() throws Exception {
        assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "the file system has no POSIX permissions");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (NunDbNode node = new NunDbNode(NodeOptions.onDisk(data, "n1", "nun", "pwd")).start()) {
            NodeClient admin = new NodeClient(node);
            admin.send("auth nun pwd");
            assertThat(admin.send("create-db secrets secret-token")).isEqualTo("create-db success\nok \n");
            admin.send("use-db secrets secret-token");
            assertThat(admin.send("set k v")).isEqualTo("ok \n");
            node.snapshotter().snapshot(false).get(30, TimeUnit.SECONDS);
        }
        List<Path> all;
        try (Stream<Path> paths = Files.walk(data)) {
            all = paths.toList();
        }
        assertThat(all).anyMatch(p -> p.toString().endsWith(".snap"));
        for (Path p : all) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }
}
