package io.nundb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JVM flags the Docker image runs the server with, read from the Dockerfile so the perf bench
 * cannot drift from it: the options of the exec-form {@code ENTRYPOINT} between the {@code java}
 * executable and the class path / main class, and {@code JAVA_TOOL_OPTIONS} if an {@code ENV} sets
 * it. Launcher-selection properties ({@code -Dloader.*}) are left out: the bench starts the server
 * with {@code java -jar}, whose manifest already names the server's main class.
 */
record DockerJvmFlags(List<String> flags, String javaToolOptions) {

    private static final Set<String> END_OF_OPTIONS = Set.of("-cp", "-classpath", "--class-path", "-jar", "-m");

    /** These flags followed by {@code more} (a later {@code -Xmx} wins over the image's MaxRAMPercentage). */
    DockerJvmFlags plus(List<String> more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(more);
        return new DockerJvmFlags(List.copyOf(all), javaToolOptions);
    }

    static DockerJvmFlags read(Path dockerfile) throws IOException {
        return parse(Files.readString(dockerfile));
    }

    static DockerJvmFlags parse(String dockerfile) {
        List<String> instructions = instructions(dockerfile);
        List<String> entrypoint = null;
        String toolOptions = null;
        for (String instruction : instructions) {
            String upper = instruction.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("ENTRYPOINT ")) {
                entrypoint =
                        jsonArray(instruction.substring("ENTRYPOINT ".length()).strip());
            } else if (upper.startsWith("ENV ")) {
                String value = envValue(instruction.substring(4), "JAVA_TOOL_OPTIONS");
                if (value != null) {
                    toolOptions = value;
                }
            }
        }
        if (entrypoint == null) {
            throw new IllegalArgumentException("the Dockerfile has no ENTRYPOINT");
        }
        if (entrypoint.isEmpty() || !entrypoint.get(0).endsWith("java")) {
            throw new IllegalArgumentException("the ENTRYPOINT does not start java: " + entrypoint);
        }
        List<String> flags = new ArrayList<>();
        for (String arg : entrypoint.subList(1, entrypoint.size())) {
            if (END_OF_OPTIONS.contains(arg) || !arg.startsWith("-")) {
                break;
            }
            if (!arg.startsWith("-Dloader.")) {
                flags.add(arg);
            }
        }
        return new DockerJvmFlags(List.copyOf(flags), toolOptions);
    }

    /** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
    private static List<String> instructions(String text) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (current.length() > 0 && line.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                result.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            result.add(current.toString().strip());
        }
        return result;
    }

    /** A JSON array of strings (exec form); the shell form is refused, its flags would need a shell to read. */
    static List<String> jsonArray(String text) {
        if (!text.startsWith("[") || !text.endsWith("]")) {
            throw new IllegalArgumentException("ENTRYPOINT is not in exec form (a JSON array): " + text);
        }
        List<String> items = new ArrayList<>();
        int i = 1;
        int end = text.length() - 1;
        while (true) {
            while (i < end && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
                i++;
            }
            if (i >= end) {
                return items;
            }
            if (text.charAt(i) != '"') {
                throw new IllegalArgumentException("expected a string at " + i + " in " + text);
            }
            StringBuilder item = new StringBuilder();
            i++;
            while (i < end && text.charAt(i) != '"') {
                char c = text.charAt(i++);
                if (c == '\\' && i < end) {
                    c = text.charAt(i++);
                }
                item.append(c);
            }
            if (i >= end) {
                throw new IllegalArgumentException("unterminated string in " + text);
            }
            i++;
            items.add(item.toString());
        }
    }

    /** The value of {@code name} in an {@code ENV} instruction's {@code a=b c="d e"} pairs (or {@code name value} form). */
    private static String envValue(String pairs, String name) {
        String text = pairs.strip();
        if (text.startsWith(name + " ")) {
            return unquote(text.substring(name.length()).strip());
        }
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = text.substring(i, eq);
            int j = eq + 1;
            StringBuilder value = new StringBuilder();
            if (j < text.length() && text.charAt(j) == '"') {
                j++;
                while (j < text.length() && text.charAt(j) != '"') {
                    char c = text.charAt(j++);
                    if (c == '\\' && j < text.length()) {
                        c = text.charAt(j++);
                    }
                    value.append(c);
                }
                j++;
            } else {
                while (j < text.length() && !Character.isWhitespace(text.charAt(j))) {
                    value.append(text.charAt(j++));
                }
            }
            if (key.equals(name)) {
                return value.toString();
            }
            i = j;
        }
        return null;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
