package io.nundb.bench;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The perf bench's load generator, run as its own JVM (the third process, apart from both servers)
 * by {@link Perf}: one run of one phase against one server, then one {@link ResultLine} on standard
 * output. Arguments are {@code name=value} pairs:
 *
 * <ul>
 *   <li>{@code mode=throughput proto=nundb|resp port= op=set|get conns= depth= warmup= duration= keys= valueSize=}
 *   <li>{@code mode=notify proto= port= [watchPort=] rate=(0 = back-to-back) warmup= duration=}
 *   <li>{@code mode=fanout proto= transport=tcp|ws port= watchPort= watchers= warmupWrites= writes= pause=}
 *   <li>{@code mode=idle proto= transport=tcp|ws port= conns=}: opens the connections, prints its
 *       result, holds them until standard input ends, then closes them
 * </ul>
 *
 * plus {@code db=} and {@code token=} for NunDB. Seconds may be fractional.
 *
 * <p>Threads: throughput and fan-out run on the main thread (one selector); notify adds
 * {@link LatencyRun}'s watcher and ack readers.
 */
public final class LoadGen {

    private static final String HOST = "127.0.0.1";

    private LoadGen() {}

    public static void main(String[] args) {
        try {
            Map<String, String> a = arguments(args);
            Map<String, Object> result = run(a);
            System.out.println(ResultLine.format(result));
            System.out.flush();
            if (a.get("mode").equals("idle")) {
                hold(System.in);
            }
            System.exit(0);
        } catch (Throwable e) {
            System.out.println(ResultLine.FAILED + " " + String.valueOf(e).replace('\n', ' '));
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    static Map<String, String> arguments(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are name=value, got " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        if (!a.containsKey("mode")) {
            throw new IllegalArgumentException("mode= is required");
        }
        return a;
    }

    private static Map<String, Object> run(Map<String, String> a) throws Exception {
        Protocol protocol = protocol(a);
        Target target = new Target(protocol.name(), HOST, integer(a, "port"), protocol);
        Map<String, Object> r = new LinkedHashMap<>();
        switch (a.get("mode")) {
            case "throughput" -> {
                int keyCount = integer(a, "keys");
                byte[][] keys = new byte[keyCount][];
                for (int i = 0; i < keyCount; i++) {
                    keys[i] = Ascii.bytes("key" + i);
                }
                byte[] value = Ascii.bytes("v".repeat(integer(a, "valueSize")));
                ThroughputRun.Op op = ThroughputRun.Op.valueOf(a.get("op").toUpperCase(java.util.Locale.ROOT));
                ThroughputRun.Result t = new ThroughputRun(target, keys, value)
                        .run(
                                op,
                                integer(a, "conns"),
                                integer(a, "depth"),
                                seconds(a, "warmup"),
                                seconds(a, "duration"));
                if (t.errors() > 0) {
                    throw new IOException(t.errors() + " error replies, first: " + t.firstError());
                }
                r.put("ops_per_s", t.opsPerSecond());
                r.put("ops", t.operations());
            }
            case "notify" -> {
                Target watch = a.containsKey("watchPort")
                        ? new Target(protocol.name(), HOST, integer(a, "watchPort"), protocol)
                        : target;
                LatencyRun.Result l = new LatencyRun(target, watch, a.getOrDefault("key", "perf-watched"))
                        .run(integer(a, "rate"), seconds(a, "warmup"), seconds(a, "duration"));
                LatencyRecorder rec = l.latencies();
                if (rec.count() == 0) {
                    throw new IOException("no notification arrived");
                }
                r.put("p50_us", rec.percentile(50) / 1e3);
                r.put("p99_us", rec.percentile(99) / 1e3);
                r.put("p999_us", rec.percentile(99.9) / 1e3);
                r.put("max_us", rec.max() / 1e3);
                r.put("samples", rec.count());
                r.put("writes_per_s", l.writesPerSecond());
                r.put("lost", l.missing());
            }
            case "fanout" -> {
                String key = a.getOrDefault("key", "perf-fanout");
                ManyConnections.Kind kind = kind(a);
                List<String> watch = kind == ManyConnections.Kind.RESP
                        ? List.of("SUBSCRIBE " + RespProtocol.KEYSPACE_PREFIX + key)
                        : List.of("use-db " + a.get("db") + " " + a.get("token"), "watch " + key);
                FanoutRun.Result f = new FanoutRun(kind, HOST, integer(a, "watchPort"), target, key, watch)
                        .run(
                                integer(a, "watchers"),
                                integer(a, "warmupWrites"),
                                integer(a, "writes"),
                                Long.parseLong(a.get("pause")));
                r.put("last_p50_ms", f.lastArrival().percentile(50) / 1e6);
                r.put("last_p99_ms", f.lastArrival().percentile(99) / 1e6);
                r.put("last_max_ms", f.lastArrival().max() / 1e6);
                r.put("first_p50_ms", f.firstArrival().percentile(50) / 1e6);
                r.put("writes", f.lastArrival().count());
                r.put("setup_s", f.setupSeconds());
            }
            case "idle" -> {
                ManyConnections.Kind kind = kind(a);
                List<String> commands = kind == ManyConnections.Kind.RESP ? List.of("PING") : List.of();
                long start = System.nanoTime();
                List<ManyConnections.Conn> conns =
                        new ManyConnections(kind, HOST, integer(a, "port"), commands, 256).open(integer(a, "conns"));
                // Their buffers are not needed while they idle; the channels stay open until hold() returns.
                for (ManyConnections.Conn c : conns) {
                    c.in = null;
                }
                IDLE.addAll(conns);
                r.put("opened", conns.size());
                r.put("setup_s", (System.nanoTime() - start) / 1e9);
            }
            default -> throw new IllegalArgumentException("unknown mode " + a.get("mode"));
        }
        return r;
    }

    /** The idle phase's connections, kept reachable while the bench measures the server. */
    private static final List<ManyConnections.Conn> IDLE = new java.util.ArrayList<>();

    private static void hold(InputStream stdin) throws IOException {
        while (stdin.read() >= 0) {
            // the bench closes our standard input when it has measured
        }
        ManyConnections.closeAll(IDLE);
    }

    private static Protocol protocol(Map<String, String> a) {
        return switch (a.get("proto")) {
            case "nundb" -> new NunDbProtocol("", "", a.get("db"), a.get("token"));
            case "resp" -> new RespProtocol();
            default -> throw new IllegalArgumentException("proto is nundb or resp, got " + a.get("proto"));
        };
    }

    private static ManyConnections.Kind kind(Map<String, String> a) {
        boolean ws = a.getOrDefault("transport", "tcp").equals("ws");
        if (a.get("proto").equals("resp")) {
            if (ws) {
                throw new IllegalArgumentException("Redis has no WebSocket transport");
            }
            return ManyConnections.Kind.RESP;
        }
        return ws ? ManyConnections.Kind.NUNDB_WS : ManyConnections.Kind.NUNDB_TCP;
    }

    private static int integer(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + "= is required for mode " + a.get("mode"));
        }
        return Integer.parseInt(v);
    }

    private static Duration seconds(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException(name + "= is required for mode " + a.get("mode"));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }
}
