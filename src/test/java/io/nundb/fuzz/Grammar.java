package io.nundb.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * NunDB commands (docs/protocol.md section 2) with arguments drawn from pools of valid, edge and
 * invalid values: keys ({@code $$} keys, control characters, over 1,024 characters), versions
 * (-2, -1, the 32-bit limits, not numbers), values ({@code ;}, spaces, non-ASCII, near the
 * value limit), database names and tokens. Deterministic for a given random source.
 */
final class Grammar {

    static final List<String> COMMANDS = List.of(
            "auth",
            "use-db",
            "use",
            "create-db",
            "create-user",
            "set-permissions",
            "get",
            "get-safe",
            "set",
            "set-safe",
            "remove",
            "increment",
            "keys",
            "ls",
            "watch",
            "unwatch",
            "unwatch-all",
            "arbiter",
            "resolve",
            "snapshot",
            "replicate-snapshot",
            "cluster-state",
            "metrics-state",
            "list-commands",
            "debug",
            "join",
            "leave",
            "replicate",
            "replicate-remove",
            "replicate-increment",
            "rp",
            "ack",
            "replicate-since",
            "replicate-join",
            "election",
            "set-primary",
            "GET",
            "Set");

    private static final String[] KEYS = {
        "a",
        "b",
        "k1",
        "c9",
        "d-x",
        "n",
        "$$token",
        "$$user_u",
        "$connections",
        "$conflicts",
        "$conflicts_a_1",
        "*",
        "a*",
        "*1",
        "ключ",
        "😀",
        "a;b",
        "tab\tkey",
        "ctl\u0001",
        "",
        " ",
        "%2F",
        "../x"
    };
    private static final String[] VALUES = {
        "1",
        "0",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "x",
        "hello world",
        "a;b",
        "a; get b",
        "<Empty>",
        "ok ",
        "error x",
        "  lead",
        "trail  ",
        "ünï©ødé",
        "😀😀",
        "{\"j\":1}",
        "changed a b",
        "\t",
        ""
    };
    private static final String[] VERSIONS = {
        "-2", "-1", "0", "1", "2", "7", "2147483646", "2147483647", "-2147483648", "2147483648", "x", "", "1.5"
    };
    private static final String[] DEBUG = {
        "pending-ops",
        "list-dbs",
        "pending-conflicts",
        "pendding-conflitcts",
        "process-info",
        "cluster",
        "digest",
        "force-election",
        "nope",
        ""
    };

    private final SplittableRandom random;
    private final List<String> dbs;
    private final List<String> tokens;
    private final int maxValue;
    private final boolean withArbiter;

    /**
     * @param dbs the database names commands may name (plus made-up ones)
     * @param tokens the tokens and passwords commands may present (plus wrong ones)
     * @param withArbiter whether {@code create-db} may ask for the arbiter strategy (whose refused
     *     writes park a key on purpose, so the refusal oracle leaves it out)
     */
    Grammar(SplittableRandom random, List<String> dbs, List<String> tokens, int maxValue, boolean withArbiter) {
        this.random = random;
        this.dbs = dbs;
        this.tokens = tokens;
        this.maxValue = maxValue;
        this.withArbiter = withArbiter;
    }

    /** One command line, without its line end. */
    String command() {
        String name = pick(COMMANDS);
        String k = key();
        String db = db();
        if (db.equals("$admin") && k.startsWith("$$")) {
            // $admin's $$token is the admin password: an admin session may change it (its right),
            // which would lock the harness out
            k = "a";
        }
        return switch (name) {
            case "auth" -> "auth " + pick(List.of("nun", "u", "x", "")) + " " + token();
            case "use-db", "use" -> useDb(name);
            case "create-db" -> "create-db " + db() + maybe(" " + token()) + maybe(" " + strategy());
            case "create-user" -> "create-user " + pick(List.of("u", "v", "", "all")) + maybe(" " + token());
            case "set-permissions" -> "set-permissions " + pick(List.of("u", "all", "v")) + maybe(" " + permissions());
            case "get", "get-safe", "remove", "watch", "unwatch" -> name + maybe(" " + k);
            case "set", "GET", "Set" -> name + " " + k + maybe(" " + value());
            case "set-safe" -> "set-safe " + maybe(version()) + " " + k + maybe(" " + value());
            case "increment" ->
                "increment " + k + maybe(" " + pick(List.of("1", "-1", "5", "x", "9223372036854775807")));
            case "keys", "ls" -> name + maybe(" " + k);
            case "resolve" ->
                "resolve " + pick(List.of("1", "x", "-1", "99999999999999999999")) + " " + db + " " + k + " "
                        + version() + " " + value();
            case "snapshot" ->
                "snapshot" + maybe(" " + pick(List.of("true", "false", "x"))) + maybe(" " + db() + maybe("|" + db()));
            case "replicate-snapshot" -> name + maybe(" " + db()) + maybe(" " + pick(List.of("true", "false")));
            case "debug" -> "debug" + maybe(" " + pick(List.of(DEBUG)));
            case "join", "leave" -> name + maybe(" " + pick(List.of("127.0.0.1:1", "x", "a:b:c")));
            case "replicate" -> "replicate " + db + " " + k + " " + version() + " " + value();
            case "replicate-remove" -> "replicate-remove " + db + maybe(" " + k);
            case "replicate-increment" -> "replicate-increment " + db + maybe(" " + k + maybe(" 3"));
            default -> name + maybe(" " + k + maybe(" " + value()));
        };
    }

    /**
     * A login to a database; never to {@code $admin} with the admin password, whose session could
     * change that password (an admin's right) and lock the harness out.
     */
    private String useDb(String name) {
        String db = db();
        String token = db.equals("$admin") ? "wrong" : token();
        return name + " " + db + (chance(3) ? " u" : "") + maybe(" " + token);
    }

    /** A burst of commands joined by {@code ;} (one WebSocket frame or HTTP body). */
    String burst(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : pick(List.of(";", "; ", ";;", " ; "))).append(command());
        }
        return sb.toString();
    }

    String key() {
        int r = random.nextInt(40);
        if (r == 0) {
            return "k".repeat(1025);
        }
        if (r == 1) {
            return "k".repeat(1024);
        }
        return pick(List.of(KEYS));
    }

    String value() {
        int r = random.nextInt(60);
        if (r == 0) {
            return "v".repeat(maxValue - 64 - random.nextInt(64));
        }
        if (r == 1) {
            return "w".repeat(maxValue + random.nextInt(64));
        }
        if (r < 8) {
            return Integer.toString(random.nextInt(-3, 1000));
        }
        return pick(List.of(VALUES));
    }

    String version() {
        return random.nextBoolean() ? Integer.toString(random.nextInt(-3, 12)) : pick(List.of(VERSIONS));
    }

    String db() {
        int r = random.nextInt(12);
        if (r == 0) {
            return pick(List.of("$admin", "nope", "a/b", "..", ".", "$x", "d".repeat(129), "ä"));
        }
        return pick(dbs);
    }

    String token() {
        return chance(4) ? pick(List.of("wrong", "", "nun-pwd ", "x y")) : pick(tokens);
    }

    private String strategy() {
        List<String> safe = List.of("none", "newer", "x");
        return withArbiter && chance(3) ? "arbiter" : pick(safe);
    }

    private String permissions() {
        return pick(List.of("rw a*", "r *", "rwix *", "w b|r a", "i c*|x d*", "q *", "rw", "", "|", "r a,b,*1"));
    }

    String pick(List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    private String maybe(String s) {
        return random.nextInt(8) == 0 ? "" : s;
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }
}
