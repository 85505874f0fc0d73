package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.transport.ConnectionBudget;
import io.nundb.transport.ConnectionBudget.Door;
import org.junit.jupiter.api.Test;

class FileDescriptorBudgetTest {

    @Test
    void theConfiguredLimitStandsOnEveryDoorWhenTheDescriptorsHoldIt() {
        ConnectionBudget b = FileDescriptorBudget.budget(100, 1024, 200);
        assertThat(b.perDoorLimit()).isEqualTo(100);
        assertThat(b.budget()).isEqualTo(400);
        assertThat(FileDescriptorBudget.budget(10_000, 1_048_576, 200).budget()).isEqualTo(40_000);
    }

    @Test
    void theDoorsShareWhatIsLeftAfterTheReserveWithATenthKeptForEach() {
        // 1024 - 200 open - 128 reserve = 696 for all doors, 69 kept for each
        ConnectionBudget b = FileDescriptorBudget.budget(10_000, 1024, 200);
        assertThat(b.budget()).isEqualTo(696);
        assertThat(b.guaranteed()).isEqualTo(69);
        assertThat(b.perDoorLimit()).isEqualTo(10_000);
        // ulimit -n 20000: one door holds 10,000 (the perf bench's WebSocket watchers)
        ConnectionBudget bench = FileDescriptorBudget.budget(10_000, 20_000, 300);
        for (int i = 0; i < 10_000; i++) {
            assertThat(bench.tryAcquire(Door.WEBSOCKET)).isTrue();
        }
        assertThat(bench.tryAcquire(Door.WEBSOCKET)).as("NUN_MAX_CONNECTIONS").isFalse();
        assertThat(bench.tryAcquire(Door.HTTP)).isTrue();
    }

    @Test
    void aTinyLimitStillLetsEveryDoorIn() {
        ConnectionBudget b = FileDescriptorBudget.budget(10_000, 256, 250);
        assertThat(b.budget()).isEqualTo(4);
        assertThat(b.tryAcquire(Door.TCP)).isTrue();
        assertThat(b.tryAcquire(Door.TCP)).as("the other doors keep one each").isFalse();
        for (Door d : new Door[] {Door.WEBSOCKET, Door.HTTP, Door.RSOCKET}) {
            assertThat(b.tryAcquire(d)).as("%s", d).isTrue();
        }
    }

    @Test
    void anUnknownLimitChangesNothing() {
        ConnectionBudget b = FileDescriptorBudget.budget(10_000, -1, 200);
        assertThat(b.perDoorLimit()).isEqualTo(10_000);
        assertThat(b.budget()).isEqualTo(40_000);
    }
}
