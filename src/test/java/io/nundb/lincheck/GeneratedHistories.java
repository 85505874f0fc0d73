package io.nundb.lincheck;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Histories from a real execution against the sequential model: clients interleave at random,
 * each operation is invoked, takes effect at one instant (on the model) and returns later, so
 * windows overlap but the history is linearizable by construction.
 */
final class GeneratedHistories {

    private GeneratedHistories() {}

    /** An operation on its way: invoked, maybe applied, not returned. */
    private static final class InFlight {
        final long id;
        final String key;
        final Op op;
        final long call;
        boolean applied;
        Output output;

        InFlight(long id, String key, Op op, long call) {
            this.id = id;
            this.key = key;
            this.op = op;
            this.call = call;
        }
    }

    static List<Operation> concurrentClients(
            Random random, int clients, int opsPerClient, int keys, double unknownRate) {
        RegisterModel model = new RegisterModel(0);
        Map<String, RegisterModel.State> states = new HashMap<>();
        InFlight[] inFlight = new InFlight[clients];
        int[] issued = new int[clients];
        List<Operation> out = new ArrayList<>();
        long time = 0;
        long ids = 0;
        int remaining = clients * opsPerClient;
        while (remaining > 0) {
            int c = random.nextInt(clients);
            InFlight f = inFlight[c];
            if (f == null) {
                if (issued[c] < opsPerClient) {
                    issued[c]++;
                    String key = "k" + random.nextInt(keys);
                    RegisterModel.State now = states.getOrDefault(key, model.initial());
                    inFlight[c] = new InFlight(++ids, key, randomOp(random, c, issued[c], now), ++time);
                }
            } else if (!f.applied && random.nextDouble() < unknownRate / 2) {
                // lost before it took effect: it never happens, and the client never learns
                out.add(Operation.unknown(f.id, "c" + c, f.key, f.op, f.call));
                inFlight[c] = null;
                remaining--;
            } else if (!f.applied) {
                RegisterModel.State before = states.getOrDefault(f.key, model.initial());
                Output output = answer(f.op, before, random);
                states.put(f.key, model.step(before, f.op, output));
                f.output = output;
                f.applied = true;
                time++;
            } else {
                out.add(
                        random.nextDouble() < unknownRate / 2
                                ? Operation.unknown(f.id, "c" + c, f.key, f.op, f.call)
                                : Operation.completed(f.id, "c" + c, f.key, f.op, f.call, ++time, f.output));
                inFlight[c] = null;
                remaining--;
            }
        }
        return out;
    }

    private static Op randomOp(Random random, int client, int n, RegisterModel.State now) {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return Op.write("c" + client + "-" + n);
        }
        if (kind < 8) {
            return Op.read();
        }
        if (kind < 9) {
            return Op.cas(now.version() + random.nextInt(3) - 1, "c" + client + "-" + n + "-cas");
        }
        return Op.remove();
    }

    /** What the sequential model answers; reads report the version half of the time. */
    private static Output answer(Op op, RegisterModel.State state, Random random) {
        if (op instanceof Op.Read) {
            return random.nextBoolean()
                    ? new Output.Value(state.value(), null)
                    : new Output.Value(state.value(), state.version());
        }
        if (op instanceof Op.Cas c) {
            return Output.swapped(c.expectedVersion() == state.version());
        }
        return Output.done();
    }

    static History toHistory(List<Operation> ops) {
        History h = new History();
        ops.forEach(h::add);
        return h;
    }

    /** The same history with operation {@code index} (a completed read) answering a value nobody wrote. */
    static List<Operation> withGhostRead(List<Operation> ops, int index) {
        List<Operation> out = new ArrayList<>(ops);
        Operation o = ops.get(index);
        out.set(
                index,
                Operation.completed(o.id(), o.client(), o.key(), o.op(), o.call(), o.ret(), Output.value("ghost")));
        return out;
    }
}
