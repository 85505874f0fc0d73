package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    @Test
    void nearestRankPercentilesOfOneToThousand() {
        LatencyRecorder recorder = new LatencyRecorder();
        // recorded out of order, so the percentiles depend on the sort
        for (int i = 1000; i >= 1; i--) {
            recorder.record(i);
        }
        assertThat(recorder.count()).isEqualTo(1000);
        assertThat(recorder.percentile(50)).isEqualTo(500);
        assertThat(recorder.percentile(99)).isEqualTo(990);
        assertThat(recorder.percentile(99.9)).isEqualTo(999);
        assertThat(recorder.percentile(100)).isEqualTo(1000);
        assertThat(recorder.max()).isEqualTo(1000);
        assertThat(recorder.percentile(0.01)).isEqualTo(1);
        assertThat(recorder.mean()).isEqualTo(500.5);
    }

    @Test
    void smallSampleRoundsTheRankUp() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(30);
        recorder.record(10);
        recorder.record(20);
        assertThat(recorder.percentile(50)).isEqualTo(20);
        assertThat(recorder.percentile(99)).isEqualTo(30);
        assertThat(recorder.percentile(33)).isEqualTo(10);
        assertThat(recorder.percentile(34)).isEqualTo(20);
    }

    @Test
    void recordingAfterReadingPercentilesKeepsThemExact() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(5);
        assertThat(recorder.percentile(50)).isEqualTo(5);
        recorder.record(1);
        recorder.record(9);
        assertThat(recorder.percentile(50)).isEqualTo(5);
        assertThat(recorder.percentile(1)).isEqualTo(1);
        assertThat(recorder.max()).isEqualTo(9);
    }

    @Test
    void growsPastItsInitialCapacity() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 100_000; i++) {
            recorder.record(i % 7);
        }
        assertThat(recorder.count()).isEqualTo(100_000);
        assertThat(recorder.max()).isEqualTo(6);
    }

    @Test
    void rejectsEmptyRecorderAndBadPercentiles() {
        LatencyRecorder recorder = new LatencyRecorder();
        assertThatThrownBy(() -> recorder.percentile(50)).isInstanceOf(IllegalStateException.class);
        recorder.record(1);
        assertThatThrownBy(() -> recorder.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recorder.percentile(100.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
