package io.nundb.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one command text into a {@link Command}, with NunDB's rules (reference 2.1): split on
 * single spaces into at most three parts, the last keeping its spaces; parse errors before any
 * authentication check.
 */
public final class CommandParser {

    /** Every name of NunDB's command table, internal ones included. */
    public static final Set<String> ALL_NAMES = Set.of(
            "ack",
            "arbiter",
            "auth",
            "cluster-state",
            "create-db",
            "create-user",
            "debug",
            "election",
            "get",
            "get-safe",
            "increment",
            "join",
            "keys",
            "leave",
            "list-commands",
            "ls",
            "metrics-state",
            "ping",
            "remove",
            "replicate",
            "replicate-increment",
            "replicate-join",
            "replicate-leave",
            "replicate-remove",
            "replicate-since",
            "replicate-snapshot",
            "resolve",
            "rp",
            "set",
            "set-permissions",
            "set-primary",
            "set-safe",
            "set-secoundary",
            "snapshot",
            "unwatch",
            "unwatch-all",
            "use",
            "use-db",
            "watch");

    /** NunDB's cluster-internal commands: not part of the client protocol here (compatibility B.7). */
    public static final Set<String> INTERNAL_NAMES = Set.of(
            "ack",
            "rp",
            "replicate-since",
            "replicate-join",
            "replicate-leave",
            "set-primary",
            "set-secoundary",
            "election");

    /** The client-facing names, sorted (the {@code list-commands} reply). */
    public static final List<String> CLIENT_NAMES;

    private static final Set<String> CLIENT_NAME_SET;

    static {
        TreeSet<String> names = new TreeSet<>(ALL_NAMES);
        names.removeAll(INTERNAL_NAMES);
        CLIENT_NAMES = List.copyOf(names);
        CLIENT_NAME_SET = Set.copyOf(names);
    }

    /**
     * Whether {@code word} names a command this server runs for clients (the {@code ;} rule): a
     * value like {@code x;election} stays whole, since {@code election} is no client command.
     */
    public static boolean isCommandName(String word) {
        return CLIENT_NAME_SET.contains(word);
    }

    /**
     * Parses one command. Leading and trailing LFs and trailing {@code ;} are stripped first.
     *
     * @throws ProtocolException with the text of the error reply
     */
    public Command parse(String text) {
        String line = strip(text);
        // As line.split(" ", 3), without the array and list: empty parts are kept.
        String cmd = line;
        String arg1 = null;
        String rest = null;
        int first = line.indexOf(' ');
        if (first >= 0) {
            cmd = line.substring(0, first);
            int second = line.indexOf(' ', first + 1);
            if (second < 0) {
                arg1 = line.substring(first + 1);
            } else {
                arg1 = line.substring(first + 1, second);
                rest = line.substring(second + 1);
            }
        }
        if (cmd.isEmpty()) {
            throw new ProtocolException("empty command");
        }
        return switch (cmd) {
            case "auth" -> new Command.Auth(orEmpty(arg1), value(rest));
            case "use-db", "use" -> useDb(arg1, rest);
            case "create-db" -> createDb(arg1, rest);
            case "create-user" -> new Command.CreateUser(orEmpty(arg1), value(rest));
            case "set-permissions" ->
                new Command.SetPermissions(
                        required(arg1, "user is mandatory"), value(required(rest, "permission list is mandatory")));
            case "get" -> new Command.Get(required(arg1, "get must contain a key"));
            case "get-safe" -> new Command.GetSafe(required(arg1, "get-safe must contain a key"));
            case "set" -> new Command.Set(orEmpty(arg1), value(rest));
            case "set-safe" -> setSafe(arg1, rest);
            case "remove" -> new Command.Remove(orEmpty(arg1));
            case "increment" -> new Command.Increment(orEmpty(arg1), parseLong(rest, 1));
            case "keys", "ls" -> new Command.Keys(orEmpty(arg1));
            case "watch" -> new Command.Watch(required(arg1, "watch must contain a key"));
            case "unwatch" -> new Command.Unwatch(required(arg1, "unwatch must contain a key"));
            case "unwatch-all" -> new Command.UnwatchAll();
            case "snapshot" -> new Command.Snapshot("true".equals(arg1), dbList(rest));
            case "arbiter" -> new Command.Arbiter();
            case "resolve" -> resolve(arg1, rest);
            case "cluster-state" -> new Command.ClusterState();
            case "metrics-state" -> new Command.MetricsState();
            case "list-commands" -> new Command.ListCommands();
            case "ping" -> new Command.Ping();
            case "debug" -> new Command.Debug(required(arg1, "command is mandatory"));
            case "join" -> new Command.Join(required(arg1, "join must contain a name"));
            case "leave" -> new Command.Leave(required(arg1, "leave must contain a name"));
            case "replicate" -> replicate(arg1, rest);
            case "replicate-remove" -> replicateRemove(arg1, rest);
            case "replicate-increment" -> replicateIncrement(arg1, rest);
            case "replicate-snapshot" ->
                new Command.ReplicateSnapshot(
                        dbList(required(arg1, "replicate-snapshot must contain a db name")), "true".equals(rest));
            default -> throw new ProtocolException("unknown command: " + cmd);
        };
    }

    /** Strips leading/trailing LFs (and a CR left before the final LF), then trailing {@code ;}. */
    static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '\n') {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        while (end > start && text.charAt(end - 1) == ';') {
            end--;
        }
        return text.substring(start, end);
    }

    private static Command useDb(String db, String rest) {
        String r = required(rest, "set-safe must be followed by a version and key");
        int space = r.indexOf(' ');
        if (space < 0) {
            return new Command.UseDb(orEmpty(db), null, value(r));
        }
        return new Command.UseDb(orEmpty(db), r.substring(0, space), value(r.substring(space + 1)));
    }

    private static Command createDb(String name, String rest) {
        String r = required(rest, "create-db must be followed by a token");
        int space = r.indexOf(' ');
        if (space < 0) {
            return new Command.CreateDb(orEmpty(name), r, "none");
        }
        return new Command.CreateDb(orEmpty(name), r.substring(0, space), r.substring(space + 1));
    }

    private static Command setSafe(String key, String rest) {
        String r = required(rest, "set-safe must be followed by a version and key");
        int space = r.indexOf(' ');
        if (space < 0) {
            throw new ProtocolException("set-safe must be followed by a key");
        }
        return new Command.SetSafe(orEmpty(key), parseInt(r.substring(0, space), -1), value(r.substring(space + 1)));
    }

    private static Command resolve(String oppId, String rest) {
        if (oppId == null || oppId.isEmpty()) {
            throw new ProtocolException("opp id mandatory");
        }
        long id;
        try {
            id = Long.parseUnsignedLong(oppId);
        } catch (NumberFormatException e) {
            throw new ProtocolException("Invalid opp_id");
        }
        String r = required(rest, "resoved must be followed by db_name, key version and value");
        String[] p = r.split(" ", 4);
        if (p.length < 2 || p[1].isEmpty()) {
            throw new ProtocolException("key must be provided");
        }
        int version = p.length > 2 ? parseInt(p[2], -1) : -1;
        if (p.length < 4) {
            throw new ProtocolException("set-safe must be followed by a key");
        }
        return new Command.Resolve(id, p[0], p[1], version, value(p[3]));
    }

    private static Command replicate(String db, String rest) {
        if (db == null || db.isEmpty() || rest == null) {
            throw new ProtocolException("no command sent");
        }
        String[] p = rest.split(" ", 3);
        int version = p.length > 1 ? parseInt(p[1], -1) : -1;
        String value = p.length > 2 ? value(p[2]) : "";
        return new Command.Replicate(db, p[0], version, value);
    }

    private static Command replicateRemove(String db, String rest) {
        String name = required(db, "replicate-remove must contain a db name");
        String r = required(rest, "replicate-remove must be followed by a key");
        return new Command.ReplicateRemove(name, r.split(" ", 2)[0]);
    }

    private static Command replicateIncrement(String db, String rest) {
        String name = required(db, "replicate-snapshot must contain a db name");
        String r = required(rest, "replicate-increment must be followed by a key");
        int space = r.indexOf(' ');
        if (space < 0) {
            return new Command.ReplicateIncrement(name, r, 1);
        }
        return new Command.ReplicateIncrement(name, r.substring(0, space), parseLong(r.substring(space + 1), 1));
    }

    private static List<String> dbList(String rest) {
        if (rest == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        Arrays.stream(rest.split("\\|")).filter(s -> !s.isEmpty()).forEach(names::add);
        return List.copyOf(names);
    }

    private static String required(String part, String error) {
        if (part == null || part.isEmpty()) {
            throw new ProtocolException(error);
        }
        return part;
    }

    private static String orEmpty(String part) {
        return part == null ? "" : part;
    }

    /** Values lose every LF inside them, as in NunDB. */
    private static String value(String part) {
        if (part == null) {
            return "";
        }
        return part.indexOf('\n') < 0 ? part : part.replace("\n", "");
    }

    private static int parseInt(String text, int fallback) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
