package io.nundb.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.command.NodeStats;
import io.nundb.storage.Databases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class ReadinessGateTest {

    @Test
    void readyOnlyWhenEveryExpectedConditionIsSatisfied() {
        ReadinessGate gate = new ReadinessGate();
        assertThat(gate.isReady()).isTrue();
        gate.expect(ReadinessGate.STORAGE_LOADED);
        gate.expect(ReadinessGate.TCP_BOUND);
        assertThat(gate.isReady()).isFalse();
        gate.satisfied(ReadinessGate.STORAGE_LOADED);
        assertThat(gate.isReady()).isFalse();
        gate.satisfied(ReadinessGate.TCP_BOUND);
        assertThat(gate.isReady()).isTrue();
        gate.expect(ReadinessGate.TCP_BOUND);
        assertThat(gate.isReady()).as("expecting again does not undo").isTrue();
        gate.unsatisfied(ReadinessGate.TCP_BOUND);
        assertThat(gate.isReady()).isFalse();
        assertThat(gate.conditions())
                .containsExactly(
                        java.util.Map.entry(ReadinessGate.STORAGE_LOADED, true),
                        java.util.Map.entry(ReadinessGate.TCP_BOUND, false));
    }

    @Test
    void indicatorIsOutOfServiceUntilReady() {
        ReadinessGate gate = new ReadinessGate();
        gate.expect(ReadinessGate.WS_BOUND);
        Databases dbs = Databases.inMemory("pwd");
        NodeHealthIndicator indicator =
                new NodeHealthIndicator(gate, dbs, NodeStats.NONE, Path.of("/data"), () -> "disk full");
        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        gate.satisfied(ReadinessGate.WS_BOUND);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        assertThat(indicator.health().getDetails())
                .containsEntry("dataDirectory", "/data")
                .containsEntry("databases", 0L)
                .containsEntry("keys", 0L)
                .containsEntry("storageProblem", "disk full");
        boolean[] bound = {true};
        gate.require(ReadinessGate.TCP_BOUND, () -> bound[0]);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        bound[0] = false;
        assertThat(indicator.health().getStatus())
                .as("a live probe turning false")
                .isEqualTo(Status.OUT_OF_SERVICE);
    }
}
