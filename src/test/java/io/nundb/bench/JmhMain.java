package io.nundb.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What {@code exec:exec@jmh} runs (pom.xml): JMH's own {@code org.openjdk.jmh.Main} with the
 * arguments of {@code -Djmh.args}, passed on unchanged unless the smoke switch ({@link Smoke}) is
 * on. Then its run lengths are capped at the smoke values whether the pom's defaults or the command
 * line gave them: no fork ({@code -f 0}, {@code -wf 0}), no warm-up iteration ({@code -wi 0}), one
 * measured iteration ({@code -i 1}) of 100 ms ({@code -r}, {@code -w}); a run-length option not given
 * is added with its smoke value (JMH's own defaults are five forks of minutes). Every other argument
 * (benchmarks, {@code -prof}, {@code -p} …) stays as given. Runs on the main thread of the JVM the
 * exec plugin starts (a {@code java -cp …} of its own: JMH forks its measured JVMs from that class
 * path).
 */
public final class JmhMain {

    /** The run-length options and their smoke values, the caps: in this order they are added when missing. */
    static final Map<String, String> SMOKE = smoke();

    /** An option written with its value attached ({@code -f1}, {@code -r2s}): JMH's parser takes it too. */
    private static final Pattern ATTACHED = Pattern.compile("(-wf|-wi|-f|-i|-w|-r)(\\d.*)");

    private JmhMain() {}

    public static void main(String[] args) throws Exception {
        String[] run = Smoke.on() ? capped(List.of(args), Smoke::note).toArray(String[]::new) : args;
        Smoke.announce(System.out);
        org.openjdk.jmh.Main.main(run);
    }

    /** Notes one capped option: {@code given} as written ({@code -f 1}), and its cap. */
    interface Note {
        void capped(String given, String cap);
    }

    /** {@code args} with every run-length option at most its smoke value, and the missing ones added. */
    static List<String> capped(List<String> args, Note note) {
        List<String> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String option;
            String value;
            String written;
            Matcher attached = ATTACHED.matcher(arg);
            if (SMOKE.containsKey(arg) && i + 1 < args.size()) {
                option = arg;
                value = args.get(++i);
                written = option + " " + value;
            } else if (attached.matches()) {
                option = attached.group(1);
                value = attached.group(2);
                written = arg;
            } else {
                out.add(arg);
                continue;
            }
            String cap = SMOKE.get(option);
            String kept = longer(option, value, cap) ? cap : value;
            if (!kept.equals(value)) {
                note.capped(written, cap);
            }
            seen.add(option);
            out.add(option);
            out.add(kept);
        }
        SMOKE.forEach((option, cap) -> {
            if (!seen.contains(option)) {
                out.add(option);
                out.add(cap);
            }
        });
        return out;
    }

    /** Whether {@code value} of {@code option} runs longer than {@code cap}: a count, or a time for -r and -w. */
    private static boolean longer(String option, String value, String cap) {
        if (option.equals("-r") || option.equals("-w")) {
            return TimeValue.fromString(value).convertTo(TimeUnit.NANOSECONDS)
                    > TimeValue.fromString(cap).convertTo(TimeUnit.NANOSECONDS);
        }
        return Integer.parseInt(value) > Integer.parseInt(cap);
    }

    private static Map<String, String> smoke() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("-f", "0");
        m.put("-wf", "0");
        m.put("-wi", "0");
        m.put("-i", "1");
        m.put("-w", "100ms");
        m.put("-r", "100ms");
        return m;
    }
}
