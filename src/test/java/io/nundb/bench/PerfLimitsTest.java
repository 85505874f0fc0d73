package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerfLimitsTest {

    @Test
    void theLargeIdlePhaseHoldsWhatFitsUnderTheOpenFileLimit() {
        assertThat(Perf.idleThatFits(50_000, 200_000)).isEqualTo(50_000);
        assertThat(Perf.idleThatFits(50_000, -1)).isEqualTo(50_000);
        assertThat(Perf.idleThatFits(50_000, 20_000)).isEqualTo(10_000);
        assertThat(Perf.idleThatFits(50_000, 41_500)).isEqualTo(40_000);
        assertThat(Perf.idleThatFits(50_000, 5_000)).isZero();
    }

    @Test
    void aServerRefusalIsToldApartFromTheGeneratorsOwnLimits() {
        assertThat(ManyConnections.refusedByServer(new EOFException("the server closed a connection")))
                .isTrue();
        assertThat(ManyConnections.refusedByServer(
                        new IOException("WebSocket upgrade refused: HTTP/1.1 503 Service Unavailable")))
                .isTrue();
        assertThat(ManyConnections.refusedByServer(new IOException("setup failed: error too many connections")))
                .isTrue();
        assertThat(ManyConnections.refusedByServer(new IOException("Too many open files")))
                .isFalse();
    }

    @Test
    void theServersHeapIsSetAfterTheImagesFlags() {
        DockerJvmFlags image = new DockerJvmFlags(List.of("-XX:MaxRAMPercentage=75"), null);
        assertThat(image.plus(List.of("-Xmx2g")).flags()).containsExactly("-XX:MaxRAMPercentage=75", "-Xmx2g");
    }
}
