package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threadsOfOneRoleShareAName() {
        assertThat(ThreadCpu.role("nundb-raft-127.0.0.1:3016")).isEqualTo("nundb-raft");
        assertThat(ThreadCpu.role("nundb-raft-127.")).isEqualTo("nundb-raft"); // /proc's 15-char comm
        assertThat(ThreadCpu.role("reactor-tcp-epoll-3")).isEqualTo("reactor-tcp-epoll");
        assertThat(ThreadCpu.role("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
        assertThat(ThreadCpu.role("nundb-oplog-wri")).isEqualTo("nundb-oplog-wri");
    }

    @Test
    void describesEachBusyRolePerWrite() {
        ThreadCpu.Snapshot before =
                new ThreadCpu.Snapshot(Map.of("raft", new long[] {10, 100}, "idle", new long[] {0, 0}), 5, 50);
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(
                Map.of("raft", new long[] {30, 300}, "loop", new long[] {60, 700}, "idle", new long[] {0, 1}), 5, 250);
        // 10,000 writes: raft 20 ticks = 200 ms = 20 µs each, loop 60 µs; 901 switches, 200 write calls
        assertThat(ThreadCpu.describe(before, after, 10_000))
                .isEqualTo("loop 60.0 µs, raft 20.0 µs, 0.09 context switches, 0.02 write calls per write");
    }

    @Test
    void readsThisProcess() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        ThreadCpu.Snapshot s = ThreadCpu.take(ProcessHandle.current().pid());
        assertThat(s.byRole()).isNotEmpty();
        assertThat(ThreadCpu.describe(s, s, 1)).endsWith("per write");
    }
}
