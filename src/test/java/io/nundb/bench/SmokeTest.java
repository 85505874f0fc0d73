package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {

    private static Smoke smoke(boolean on, Map<String, String> given) {
        return new Smoke(on, given::get);
    }

    @Test
    void offTheDefaultsAndExplicitValuesStandAndNothingIsAnnounced() {
        Smoke off = smoke(false, Map.of("perf.rounds", "3", "perf.duration", "4", "perf.fanout", "1000,10000"));
        assertThat(off.integerOf("perf.rounds", 1, 1)).isEqualTo(3);
        assertThat(off.integerOf("perf.keys", 1000, 100)).isEqualTo(1000);
        assertThat(off.numberOf("perf.duration", 10, 1)).isEqualTo(4.0);
        assertThat(off.integersOf("perf.fanout", "1000,10000", "10,100")).containsExactly(1000, 10000);
        assertThat(off.announcement()).isNull();
    }

    @Test
    void onTheSmokeValuesAreTheDefaults() {
        Smoke on = smoke(true, Map.of());
        assertThat(on.integerOf("perf.rounds", 3, 1)).isEqualTo(1);
        assertThat(on.numberOf("perf.warmup", 2, 0.3)).isEqualTo(0.3);
        assertThat(on.integersOf("perf.fanout", "1000,10000", "10,100")).containsExactly(10, 100);
        assertThat(on.announcement()).contains("NUNDB_BENCH_SMOKE=1").contains("No setting capped.");
    }

    @Test
    void onExplicitValuesAboveTheSmokeValuesAreCappedAndNamedInOneLine() {
        Smoke on = smoke(
                true,
                Map.of("perf.rounds", "3", "perf.duration", "4", "perf.warmup", "0.2", "perf.fanout", "5,1000,10000"));
        assertThat(on.integerOf("perf.rounds", 3, 1)).isEqualTo(1);
        assertThat(on.numberOf("perf.duration", 10, 1)).isEqualTo(1.0);
        assertThat(on.numberOf("perf.warmup", 2, 0.3)).as("below the cap: kept").isEqualTo(0.2);
        assertThat(on.integersOf("perf.fanout", "1000,10000", "10,100")).containsExactly(5, 100);
        String line = on.announcement();
        assertThat(line)
                .doesNotContain("\n")
                .contains("-Dperf.rounds=3 → 1, -Dperf.duration=4 → 1, -Dperf.fanout=5,1000,10000 → 5,100")
                .doesNotContain("perf.warmup");
    }

    @Test
    void onTheJvmsABenchStartsRunC1OnlyUnlessTheTierIsGiven() {
        assertThat(smoke(true, Map.of()).jvmOf(List.of("-Xmx2g"))).containsExactly("-Xmx2g", "-XX:TieredStopAtLevel=1");
        assertThat(smoke(true, Map.of()).jvmOf(List.of("-XX:TieredStopAtLevel=4")))
                .containsExactly("-XX:TieredStopAtLevel=4");
        assertThat(smoke(false, Map.of()).jvmOf(List.of("-Xmx2g"))).containsExactly("-Xmx2g");
    }

    @Test
    void aCappedBadNumberIsStillRefused() {
        Smoke on = smoke(true, Map.of("perf.rounds", "three"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> on.integerOf("perf.rounds", 3, 1))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void jmhRunLengthsAreCappedTheRestKeptAndMissingOnesAdded() {
        List<String> notes = new java.util.ArrayList<>();
        assertThat(jmh(notes, "OpLogAppendBench -f 1 -wi 3 -i 5 -prof gc"))
                .isEqualTo("OpLogAppendBench -f 0 -wi 0 -i 1 -prof gc -wf 0 -w 100ms -r 100ms");
        assertThat(notes).containsExactly("-f 1 → 0", "-wi 3 → 0", "-i 5 → 1");
    }

    @Test
    void jmhTimesAreComparedAsTimesAndAttachedValuesAreCappedToo() {
        List<String> notes = new java.util.ArrayList<>();
        assertThat(jmh(notes, "io.nundb.bench.jmh -f1 -r 50ms -w2s -rf json -wbs 5"))
                .isEqualTo("io.nundb.bench.jmh -f 0 -r 50ms -w 100ms -rf json -wbs 5 -wf 0 -wi 0 -i 1");
        assertThat(notes).containsExactly("-f1 → 0", "-w2s → 100ms");
    }

    /** {@code args} (space separated) as JmhMain runs them under the switch, space separated. */
    private static String jmh(List<String> notes, String args) {
        return String.join(
                " ", JmhMain.capped(List.of(args.split(" ")), (given, cap) -> notes.add(given + " → " + cap)));
    }
}
