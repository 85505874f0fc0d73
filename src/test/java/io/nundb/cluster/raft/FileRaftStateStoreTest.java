package io.nundb.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileRaftStateStoreTest {

    @TempDir
    Path dir;

    @Test
    void aFreshDirectoryStartsAtTermZeroWithoutAVote() {
        FileRaftStateStore store = new FileRaftStateStore(dir.resolve("raft"));
        assertThat(store.currentTerm()).isZero();
        assertThat(store.votedFor()).isNull();
    }

    @Test
    void termAndVoteSurviveAReopenAndNoTempFileIsLeft() throws IOException {
        FileRaftStateStore store = new FileRaftStateStore(dir);
        store.persist(3, "10.0.0.2:3016");
        store.persist(7, "nó-ü:3016");
        store.persist(8, null);
        store.persist(8, "10.0.0.3:3016");

        FileRaftStateStore reopened = new FileRaftStateStore(dir);
        assertThat(reopened.currentTerm()).isEqualTo(8);
        assertThat(reopened.votedFor()).isEqualTo("10.0.0.3:3016");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(FileRaftStateStore.FILE_NAME);
        }
    }

    @Test
    void aNullVoteReadsBackAsNull() {
        new FileRaftStateStore(dir).persist(5, null);
        FileRaftStateStore reopened = new FileRaftStateStore(dir);
        assertThat(reopened.currentTerm()).isEqualTo(5);
        assertThat(reopened.votedFor()).isNull();
    }

    @Test
    void aDamagedFileIsAnErrorNotTermZero() throws IOException {
        new FileRaftStateStore(dir).persist(9, "n2");
        Path file = dir.resolve(FileRaftStateStore.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[6] ^= 1; // inside the term
        Files.write(file, bytes);
        assertThatThrownBy(() -> new FileRaftStateStore(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checksum");

        Files.write(file, new byte[] {0x4e, 0x52});
        assertThatThrownBy(() -> new FileRaftStateStore(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Raft state");
    }

    @Test
    void aFailedWriteThrowsAndKeepsTheOldState() throws IOException {
        FileRaftStateStore store = new FileRaftStateStore(dir);
        store.persist(2, "n2");
        // a directory where the temp file must go makes the write fail
        Files.createDirectory(dir.resolve(FileRaftStateStore.FILE_NAME + ".tmp"));
        assertThatThrownBy(() -> store.persist(3, "n3")).hasMessageContaining("cannot store Raft term 3");
        assertThat(store.currentTerm()).isEqualTo(2);
        assertThat(new FileRaftStateStore(dir).votedFor()).isEqualTo("n2");
    }
}
