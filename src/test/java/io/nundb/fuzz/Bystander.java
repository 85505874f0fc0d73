package io.nundb.fuzz;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved client on its own database (whose token the fuzzers do not know), running
 * through the whole fuzz: it writes, reads back and increments over TCP and checks every answer.
 * Any wrong answer, error or stall past the socket timeout is recorded as a failure.
 */
final class Bystander {

    static final String DB = "bystander";
    static final String TOKEN = "bystander-token-9f2";
    static final String SOURCE = "127.0.0.2";

    private final FuzzNode node;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong rounds = new AtomicLong();
    private long count;

    Bystander(FuzzNode node) {
        this.node = node;
    }

    /** Runs rounds until {@code deadline} (nanoTime); reconnects after a failure. */
    void run(long deadline) {
        while (System.nanoTime() < deadline && failures.size() < 20) {
            // From another loopback address: the fuzzers' failed logins lock out their own source
            // address (per-address login throttling), which is not the bystander's.
            try (TcpText c = new TcpText(node.tcpPort(), SOURCE)) {
                expect(c.call("use-db " + DB + " " + TOKEN), List.of("ok "), "use-db");
                if (rounds.get() == 0) { // a bystander that starts after another continues its counter
                    List<String> v = c.call("get counter");
                    count = v.get(0).equals("value <Empty>")
                            ? 0
                            : Long.parseLong(v.get(0).substring("value ".length()));
                }
                // at least one round per connection: on a loaded machine the login alone may
                // outlast a short deadline (the 3 s check after the fuzz), which is no failure
                do {
                    round(c);
                } while (System.nanoTime() < deadline);
            } catch (Exception e) {
                failures.add("bystander connection failed: " + e);
            }
        }
    }

    /** One round: a set and a read-back, an increment and a check of the counter. */
    void round(TcpText c) throws Exception {
        long n = rounds.incrementAndGet();
        String value = "v" + n + " ünï;code";
        expect(c.call("set key" + (n % 50) + " " + value), List.of("ok "), "set");
        expect(c.call("get key" + (n % 50)), List.of("value " + value, "ok "), "get");
        expect(c.call("increment counter"), List.of("ok "), "increment");
        count++;
        expect(c.call("get counter"), List.of("value " + count, "ok "), "get counter");
    }

    private void expect(List<String> got, List<String> want, String what) {
        if (!got.equals(want)) {
            failures.add(what + ": expected " + want + ", got " + got);
        }
    }

    List<String> failures() {
        return failures;
    }

    long rounds() {
        return rounds.get();
    }
}
