package io.nundb.cluster.raft.sim;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated state machine: a key-value map fed with committed entries in index order, and a
 * digest chained over every applied entry, so two nodes at one index can be compared in O(1).
 */
final class KvMachine {

    final TreeMap<String, String> data = new TreeMap<>();
    long applied;
    long digest;
    /** The newest member set applied (a CONFIG entry's value), or null. */
    String members;

    void apply(LogEntry e) {
        if (e.index() != applied + 1) {
            throw new AssertionError("applied " + e.index() + " after " + applied);
        }
        if (e.type() == OpType.PUT) {
            data.put(e.key(), e.value());
        } else if (e.type() == OpType.CONFIG) {
            members = e.value();
        }
        applied = e.index();
        digest = Hashes.mix(digest, Hashes.of(e));
    }

    /** Snapshot bytes: the log's prefix hash at {@code applied}, then the machine's state. */
    byte[] encode(long prefixHash) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(prefixHash);
            out.writeLong(applied);
            out.writeLong(digest);
            out.writeInt(data.size());
            for (Map.Entry<String, String> e : data.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeUTF(members == null ? "" : members);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static long prefixHashOf(byte[] snapshot) {
        return java.nio.ByteBuffer.wrap(snapshot).getLong(0);
    }

    static KvMachine decode(byte[] snapshot) {
        KvMachine kv = new KvMachine();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            in.readLong();
            kv.applied = in.readLong();
            kv.digest = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                kv.data.put(in.readUTF(), in.readUTF());
            }
            String members = in.readUTF();
            kv.members = members.isEmpty() ? null : members;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kv;
    }
}
