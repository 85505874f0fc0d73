package io.nundb.cluster.rpc;

import io.nundb.storage.LogEntry;
import io.nundb.storage.OpType;
import java.lang.reflect.Array;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Builds records of any shape with random values in every component, by reflection, so that the
 * codec tests cover fields added to the messages later without being edited.
 */
final class WireSamples {

    private final Random random;

    WireSamples(long seed) {
        this.random = new Random(seed);
    }

    <R extends Record> R record(Class<R> type) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = value(components[i].getGenericType());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build " + type, e);
        }
    }

    private Object value(Type type) {
        if (type == long.class) {
            return switch (random.nextInt(4)) {
                case 0 -> (long) random.nextInt(1000);
                case 1 -> Long.MAX_VALUE - random.nextInt(10);
                case 2 -> -1L - random.nextInt(10);
                default -> random.nextLong();
            };
        }
        if (type == int.class) {
            return random.nextBoolean() ? random.nextInt(1000) - 10 : random.nextInt();
        }
        if (type == boolean.class) {
            return random.nextBoolean();
        }
        if (type == String.class) {
            return random.nextInt(10) == 0 ? null : string(random.nextInt(40));
        }
        if (type == byte[].class) {
            byte[] bytes = new byte[random.nextInt(3000)];
            random.nextBytes(bytes);
            return bytes;
        }
        if (type == OpType.class) {
            OpType[] all = OpType.values();
            return all[random.nextInt(all.length)];
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            List<Object> list = new ArrayList<>();
            int n = random.nextInt(4) == 0 ? 0 : random.nextInt(50);
            for (int i = 0; i < n; i++) {
                list.add(value(p.getActualTypeArguments()[0]));
            }
            return list;
        }
        if (type instanceof Class<?> c && c.isRecord()) {
            return record(c.asSubclass(Record.class));
        }
        throw new AssertionError("WireSamples cannot make a " + type + ": teach it (and the codec) the new type");
    }

    /** Valid Unicode (no lone surrogates), including characters outside the BMP. */
    String string(int codePoints) {
        int[] cps = new int[codePoints];
        for (int i = 0; i < codePoints; i++) {
            int cp;
            do {
                cp = switch (random.nextInt(3)) {
                    case 0 -> 32 + random.nextInt(95);
                    case 1 -> random.nextInt(0x10000);
                    default -> random.nextInt(0x110000);
                };
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            cps[i] = cp;
        }
        return new String(cps, 0, cps.length);
    }

    /** Record equality that compares arrays by content, component by component. */
    static boolean sameRecord(Record a, Record b) {
        if (a.getClass() != b.getClass()) {
            return false;
        }
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(b);
                boolean same = x != null && x.getClass().isArray()
                        ? y != null && Array.getLength(x) == Array.getLength(y) && arraysEqual(x, y)
                        : Objects.equals(x, y);
                if (!same) {
                    return false;
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return true;
    }

    private static boolean arraysEqual(Object x, Object y) {
        return x instanceof byte[] bx ? Arrays.equals(bx, (byte[]) y) : Arrays.deepEquals((Object[]) x, (Object[]) y);
    }

    static List<LogEntry> entries(WireSamples samples, int n) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(samples.record(LogEntry.class));
        }
        return entries;
    }
}
