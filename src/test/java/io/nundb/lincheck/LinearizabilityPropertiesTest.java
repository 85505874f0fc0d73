package io.nundb.lincheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.nundb.lincheck.CheckResult.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class LinearizabilityPropertiesTest {

    private static final Duration TIME = Duration.ofSeconds(20);

    @Property(tries = 200)
    void realExecutionsAreLinearizable(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 5) int clients,
            @ForAll @IntRange(min = 1, max = 40) int opsPerClient,
            @ForAll @IntRange(min = 1, max = 3) int keys,
            @ForAll @DoubleRange(min = 0, max = 0.1) double unknownRate) {
        List<Operation> ops =
                GeneratedHistories.concurrentClients(new Random(seed), clients, opsPerClient, keys, unknownRate);
        CheckResult r = LinearizabilityChecker.check(GeneratedHistories.toHistory(ops), TIME);
        assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.OK);
    }

    @Property(tries = 200)
    void aReadOfANeverWrittenValueIsAlwaysCaught(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 5) int clients,
            @ForAll @IntRange(min = 1, max = 40) int opsPerClient,
            @ForAll @IntRange(min = 1, max = 3) int keys,
            @ForAll @IntRange(min = 0, max = 1000) int pick) {
        Random random = new Random(seed);
        List<Operation> ops = GeneratedHistories.concurrentClients(random, clients, opsPerClient, keys, 0.05);
        int[] reads = IntStream.range(0, ops.size())
                .filter(i -> ops.get(i).op() instanceof Op.Read && ops.get(i).output() != null)
                .toArray();
        Assume.that(reads.length > 0);
        int index = reads[pick % reads.length];
        List<Operation> mutated = GeneratedHistories.withGhostRead(ops, index);
        CheckResult r = LinearizabilityChecker.check(GeneratedHistories.toHistory(mutated), TIME);
        assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(r.key()).isEqualTo(ops.get(index).key());
        assertThat(r.counterexample()).anyMatch(o -> o.id() == ops.get(index).id());
    }
}
