package io.nundb.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line a {@link LoadGen} run prints for its figures: {@code RESULT name=value name=value …}
 * (names and values without spaces or '='), or {@code FAILED <reason>}. The perf bench parses it
 * from the child's standard output; any other output line is a diagnostic.
 */
final class ResultLine {

    static final String RESULT = "RESULT";
    static final String FAILED = "FAILED";

    private ResultLine() {}

    static String format(Map<String, ?> figures) {
        StringBuilder b = new StringBuilder(RESULT);
        figures.forEach((name, value) -> {
            String text = value instanceof Double d ? formatDouble(d) : String.valueOf(value);
            if (name.isEmpty() || name.contains(" ") || name.contains("=") || text.contains(" ") || text.isEmpty()) {
                throw new IllegalArgumentException("not a result field: '" + name + "' = '" + text + "'");
            }
            b.append(' ').append(name).append('=').append(text);
        });
        return b.toString();
    }

    private static String formatDouble(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    static boolean isResult(String line) {
        return line.equals(RESULT) || line.startsWith(RESULT + " ");
    }

    static boolean isFailure(String line) {
        return line.startsWith(FAILED);
    }

    /** The fields of a {@code RESULT} line in their order; throws on anything malformed. */
    static Map<String, String> parse(String line) {
        if (!isResult(line)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String token : line.substring(RESULT.length()).strip().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq <= 0 || eq == token.length() - 1 || token.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException("malformed field '" + token + "' in: " + line);
            }
            if (fields.put(token.substring(0, eq), token.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("field " + token.substring(0, eq) + " twice in: " + line);
            }
        }
        return fields;
    }

    /** The numeric fields of a result line (non-numeric ones are left out). */
    static Map<String, Double> numbers(String line) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        parse(line).forEach((name, value) -> {
            try {
                numbers.put(name, Double.parseDouble(value));
            } catch (NumberFormatException notANumber) {
                // a text field (e.g. the protocol's name)
            }
        });
        return numbers;
    }
}
