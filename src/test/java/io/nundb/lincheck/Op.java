package io.nundb.lincheck;

/** What a client asked of one key. */
public sealed interface Op {

    /** {@code set key value}. */
    record Write(String value) implements Op {}

    /** {@code get key} (or {@code get-safe}, which also reports the version). */
    record Read() implements Op {}

    /** {@code set-safe key expectedVersion value}: stores only if the key is at {@code expectedVersion}. */
    record Cas(long expectedVersion, String value) implements Op {}

    /** {@code remove key}. */
    record Remove() implements Op {}

    static Op write(String value) {
        return new Write(value);
    }

    static Op read() {
        return new Read();
    }

    static Op cas(long expectedVersion, String value) {
        return new Cas(expectedVersion, value);
    }

    static Op remove() {
        return new Remove();
    }
}
