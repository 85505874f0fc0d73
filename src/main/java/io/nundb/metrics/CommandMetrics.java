package io.nundb.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nundb.command.CommandObserver;
import io.nundb.protocol.Response;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every command by name and outcome. Timers are created once per (command, outcome) and
 * cached, so the hot path is a map lookup and a histogram update. Command names outside
 * {@link MeterNames#COMMAND_NAMES} count as {@code other}, keeping the tag set bounded.
 */
public final class CommandMetrics implements CommandObserver {

    private static final Response.Outcome[] OUTCOMES = Response.Outcome.values();

    private final MeterRegistry registry;
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

    public CommandMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void observe(String command, Response.Outcome outcome, long nanos) {
        String name = MeterNames.COMMAND_NAMES.contains(command) ? command : MeterNames.OTHER_COMMAND;
        Timer[] byOutcome = timers.get(name);
        if (byOutcome == null) { // the method reference is an allocation per call: only on a miss
            byOutcome = timers.computeIfAbsent(name, this::timersFor);
        }
        byOutcome[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer[] timersFor(String command) {
        Timer[] result = new Timer[OUTCOMES.length];
        for (Response.Outcome o : OUTCOMES) {
            result[o.ordinal()] = Timer.builder(MeterNames.COMMANDS)
                    .description("Commands executed, by command name and outcome")
                    .tag(MeterNames.TAG_COMMAND, command)
                    .tag(MeterNames.TAG_OUTCOME, outcomeTag(o))
                    // Buckets let Prometheus/Grafana compute any percentile across nodes.
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
        }
        return result;
    }

    /** {@code ok}, {@code error} or {@code version_error}. */
    public static String outcomeTag(Response.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }
}
