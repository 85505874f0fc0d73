package io.nundb.lincheck;

/** What a client saw come back for an {@link Op} that completed. */
public sealed interface Output {

    /** A write or remove was acknowledged. */
    record Done() implements Output {}

    /**
     * A read's answer: {@code value} null when the key is absent; {@code version} null when the
     * client did not see the version (then only the value is checked).
     */
    record Value(String value, Long version) implements Output {}

    /** A compare-and-set's answer: whether it stored its value. */
    record Swapped(boolean swapped) implements Output {}

    static Output done() {
        return new Done();
    }

    static Output value(String value) {
        return new Value(value, null);
    }

    static Output value(String value, long version) {
        return new Value(value, version);
    }

    static Output absent() {
        return new Value(null, null);
    }

    static Output swapped(boolean swapped) {
        return new Swapped(swapped);
    }
}
