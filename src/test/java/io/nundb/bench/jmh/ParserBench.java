package io.nundb.bench.jmh;

import io.nundb.protocol.Command;
import io.nundb.protocol.CommandParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link CommandParser#parse}: one command line as the TCP framer hands it over, to a {@link Command}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParserBench {

    private final CommandParser parser = new CommandParser();
    // as the bench's throughput phases send them: 32-byte values, keys key0…key999
    private final String set = "set key417 " + "v".repeat(32);
    private final String get = "get key417";

    @Benchmark
    public Command parseSet() {
        return parser.parse(set);
    }

    @Benchmark
    public Command parseGet() {
        return parser.parse(get);
    }
}
