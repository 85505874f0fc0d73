package io.nundb.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The oracle "a refused command changed nothing": with every other client quiet, one input at a
 * time goes to a door; when nothing in its reply succeeded, the node's state digest
 * ({@code debug digest}) and the version and value of every key the input names (tombstones too,
 * which the digest leaves out) must be what they were before. The oracle's database uses the
 * {@code none} or {@code newer} strategy: an arbiter database parks a key on a refused write on
 * purpose.
 */
final class RefusalOracle {

    static final String DB = "oracle";
    static final String TOKEN = "oracle-token-5c1";
    static final String USER = "ou";
    static final String USER_TOKEN = "ou-token";
    /**
     * The trusted reader's source address: failed logins (the fuzzers' and the oracle's own) lock
     * out 127.0.0.1 for up to a minute, and a locked-out {@code auth} is answered "invalid auth".
     */
    static final String TRUSTED_SOURCE = "127.0.0.3";

    /** Where the server's threads are written when a door gives no reply. */
    static final java.nio.file.Path THREAD_DUMP = java.nio.file.Path.of("target", "fuzz", "threads.txt");

    private static final String TRUSTED = "trusted";
    private static final String TRUSTED_TOKEN = "trusted-token-77";

    private final FuzzNode node;
    private final int maxValue;
    private final List<String> violations = new ArrayList<>();
    private long inputs;
    private long refused;

    RefusalOracle(FuzzNode node, int maxValue) {
        this.node = node;
        this.maxValue = maxValue;
    }

    /** Creates the oracle's database, its restricted user and the trusted reader. */
    void prepare(TcpText admin, String strategy) throws Exception {
        admin.call("create-db " + DB + " " + TOKEN + " " + strategy);
        admin.call("use-db " + DB + " " + TOKEN);
        admin.call("create-user " + TRUSTED + " " + TRUSTED_TOKEN);
        admin.call("set-permissions " + TRUSTED + " rwix *");
        restoreLogins(admin);
    }

    /**
     * Puts back the token and the user the doors log in with: an admin session of the fuzz may
     * legitimately have set {@code $$token} or re-created the user.
     */
    private static void restoreLogins(TcpText admin) throws Exception {
        for (String c : List.of(
                "set $$token " + TOKEN,
                "create-user " + USER + " " + USER_TOKEN,
                "set-permissions " + USER + " r a*|w b*|i c*|x d*|rw k1")) {
            List<String> reply = admin.call(c);
            if (c.startsWith("set $$token") && reply.equals(List.of("error Invalid version! "))) {
                // an admin input of the fuzz set $$token at the top version: it can never be
                // written again (versions never overflow, by design), so the token the doors log
                // in with cannot be restored — the oracle phase ends, the server did its job
                throw new TokenPinned();
            }
            if (!reply.equals(List.of("ok "))) {
                throw new IllegalStateException(c + " -> " + reply);
            }
        }
    }

    /** Runs inputs door after door until {@code deadline}; violations are collected, not thrown. */
    void run(SplittableRandom random, long deadline) throws Exception {
        Grammar grammar = new Grammar(
                random,
                List.of(DB, DB, DB, "ghost"),
                List.of(TOKEN, TOKEN, FuzzNode.PASSWORD, USER_TOKEN),
                maxValue,
                false);
        Noise noise = new Noise(random, grammar, maxValue);
        try (TcpText trusted = new TcpText(node.tcpPort(), TRUSTED_SOURCE)) {
            trusted.call("auth " + FuzzNode.ADMIN + " " + FuzzNode.PASSWORD);
            trusted.call("use-db " + DB + " " + TRUSTED + " " + TRUSTED_TOKEN);
            int round = 0;
            while (System.nanoTime() < deadline && violations.size() < 10) {
                try {
                    restoreLogins(trusted);
                } catch (TokenPinned pinned) {
                    return;
                }
                try (OracleDoors.Door door = door(round++, random, grammar)) {
                    for (int i = 0; i < 25 && System.nanoTime() < deadline; i++) {
                        byte[] input = input(door.name(), random, grammar, noise);
                        check(trusted, door, input);
                    }
                } catch (io.rsocket.exceptions.RejectedSetupException locked) {
                    // the oracle's own wrong logins lock its address out for a second (login
                    // throttling): the RSocket login in the setup is refused until then
                    Thread.sleep(1_500);
                }
            }
        }
    }

    private OracleDoors.Door door(int round, SplittableRandom random, Grammar grammar) throws Exception {
        List<String> login = switch (random.nextInt(3)) {
            case 0 -> List.of("auth " + FuzzNode.ADMIN + " " + FuzzNode.PASSWORD, "use-db " + DB + " " + TOKEN);
            case 1 -> List.of("use-db " + DB + " " + USER + " " + USER_TOKEN);
            default -> List.of("use-db " + DB + " " + TOKEN);
        };
        return switch (round % 5) {
            case 0 -> OracleDoors.tcp(node.tcpPort(), login);
            case 1 -> OracleDoors.webSocket(node.wsPort(), login);
            case 2 -> OracleDoors.http(node.httpPort(), login);
            case 3 -> OracleDoors.rsocket(node.rsocketPort(), String.join("; ", login));
            default ->
                OracleDoors.rest(
                        node.httpPort(),
                        random.nextBoolean()
                                ? "Bearer " + grammar.token()
                                : "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString(
                                                        (USER + ":" + USER_TOKEN).getBytes(StandardCharsets.UTF_8)));
        };
    }

    private static byte[] input(String door, SplittableRandom random, Grammar grammar, Noise noise) {
        int r = random.nextInt(12);
        boolean frames = !door.equals("tcp") && !door.equals("rest");
        if (r == 0) {
            byte[] bad = noise.withBadUtf8(frames && random.nextBoolean() ? grammar.burst(3) : grammar.command());
            return java.util.Arrays.copyOf(bad, bad.length - 1); // without withBadUtf8's LF
        }
        String text = frames && r < 4 ? grammar.burst(random.nextInt(2, 5)) : grammar.command();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void check(TcpText trusted, OracleDoors.Door door, byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> named = namedKeys(text);
        String before = state(trusted, named);
        OracleDoors.Reply reply;
        try {
            reply = door.send(input);
        } catch (Exception e) {
            node.dumpThreads(THREAD_DUMP);
            throw new IllegalStateException(
                    door.name() + " gave no reply to " + abbreviate(text) + " (server threads: " + THREAD_DUMP + ")\n"
                            + door.recent(),
                    e);
        }
        inputs++;
        if (!reply.allRefused()) {
            return;
        }
        refused++;
        String after = state(trusted, named);
        if (!after.equals(before)) {
            violations.add(door.name() + ": " + abbreviate(text) + "\n  reply: " + abbreviate(reply.text())
                    + "\n  before: " + abbreviate(before) + "\n  after:  " + abbreviate(after));
        }
    }

    /** The digest of the node plus {@code get-safe} of each key named in the input. */
    private static String state(TcpText trusted, List<String> keys) throws Exception {
        StringBuilder sb = new StringBuilder(String.join("|", trusted.call("debug digest")));
        for (String k : keys) {
            sb.append(" || ").append(k).append(": ").append(String.join("|", trusted.call("get-safe " + k)));
        }
        return sb.toString();
    }

    /** The words of the input that could be keys (no control characters, at most 1,024 characters). */
    private static List<String> namedKeys(String text) {
        Set<String> keys = new LinkedHashSet<>();
        for (String word : text.split("[ ;]")) {
            if (!word.isBlank()
                    && word.length() <= 1024
                    && word.chars().noneMatch(c -> c < 32 || c == 0xfffd)
                    && !Grammar.COMMANDS.contains(word)
                    && !word.equals("$connections")) { // a memory-only counter every login moves
                keys.add(word);
            }
            if (keys.size() >= 4) {
                break;
            }
        }
        return new ArrayList<>(keys);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "… (" + s.length() + " chars)";
    }

    List<String> violations() {
        return violations;
    }

    long inputs() {
        return inputs;
    }

    long refused() {
        return refused;
    }

    /** The oracle database's token can no longer be written (see {@link #restoreLogins}). */
    private static final class TokenPinned extends Exception {
        TokenPinned() {
            super("$$token is at the top version", null, false, false);
        }
    }
}
