package io.nundb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultLineTest {

    @Test
    void formatThenParseGivesTheFiguresBackInOrder() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("p50_us", 163.5);
        figures.put("samples", 20_000L);
        figures.put("writes_per_s", 1000.0);
        figures.put("proto", "resp");
        String line = ResultLine.format(figures);
        assertThat(line).isEqualTo("RESULT p50_us=163.5 samples=20000 writes_per_s=1000 proto=resp");
        assertThat(ResultLine.parse(line))
                .containsExactly(
                        Map.entry("p50_us", "163.5"),
                        Map.entry("samples", "20000"),
                        Map.entry("writes_per_s", "1000"),
                        Map.entry("proto", "resp"));
        assertThat(ResultLine.numbers(line))
                .containsExactly(
                        Map.entry("p50_us", 163.5), Map.entry("samples", 20_000.0), Map.entry("writes_per_s", 1000.0));
    }

    @Test
    void tellsResultsFailuresAndDiagnosticsApart() {
        assertThat(ResultLine.isResult("RESULT ops_per_s=1")).isTrue();
        assertThat(ResultLine.isResult("RESULT")).isTrue();
        assertThat(ResultLine.isResult("RESULTS a=1")).isFalse();
        assertThat(ResultLine.isResult("WARNING: something")).isFalse();
        assertThat(ResultLine.isFailure("FAILED java.io.EOFException: server closed"))
                .isTrue();
        assertThat(ResultLine.parse("RESULT")).isEmpty();
        assertThat(ResultLine.parse("RESULT  a=1   b=2 ")).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void malformedLinesAreRefused() {
        assertThatThrownBy(() -> ResultLine.parse("ops=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultLine.parse("RESULT ops")).hasMessageContaining("malformed field 'ops'");
        assertThatThrownBy(() -> ResultLine.parse("RESULT =1")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> ResultLine.parse("RESULT a=")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> ResultLine.parse("RESULT a=1=2")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> ResultLine.parse("RESULT a=1 a=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> ResultLine.format(Map.of("a b", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultLine.format(Map.of("a", "x y"))).isInstanceOf(IllegalArgumentException.class);
    }
}
