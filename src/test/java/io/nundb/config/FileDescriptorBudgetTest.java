package io.nundb.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileDescriptorBudgetTest {

    @Test
    void theConfiguredLimitStandsWhenTheDescriptorsHoldIt() {
        assertThat(FileDescriptorBudget.capPerDoor(10_000, 1_048_576, 200)).isEqualTo(10_000);
        assertThat(FileDescriptorBudget.capPerDoor(100, 1024, 200)).isEqualTo(100);
    }

    @Test
    void eachDoorGetsItsShareOfWhatIsLeftAfterTheReserve() {
        // 1024 - 200 open - 128 reserve = 696, over four doors
        assertThat(FileDescriptorBudget.capPerDoor(10_000, 1024, 200)).isEqualTo(174);
        assertThat(FileDescriptorBudget.capPerDoor(10_000, 256, 250)).isEqualTo(1);
    }

    @Test
    void anUnknownLimitChangesNothing() {
        assertThat(FileDescriptorBudget.capPerDoor(10_000, -1, 200)).isEqualTo(10_000);
    }
}
