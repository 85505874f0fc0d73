package io.nundb.command;

import java.util.concurrent.atomic.AtomicLong;

/**
 * NunDB's exponential moving average (period 100, k = 2/(period+1); the first sample starts it).
 * Lock-free: every command of every connection adds a sample.
 */
public final class MovingAverage {

    private static final long NOT_STARTED = Double.doubleToRawLongBits(Double.NaN);

    private final double k;
    private final AtomicLong bits = new AtomicLong(NOT_STARTED);

    public MovingAverage(int period) {
        this.k = 2.0 / (period + 1);
    }

    public void add(double sample) {
        long previous;
        long next;
        do {
            previous = bits.get();
            double value = previous == NOT_STARTED ? sample : sample * k + Double.longBitsToDouble(previous) * (1 - k);
            next = Double.doubleToRawLongBits(value);
        } while (!bits.compareAndSet(previous, next));
    }

    /** The average, or 0 before the first sample. */
    public double value() {
        long b = bits.get();
        return b == NOT_STARTED ? 0 : Double.longBitsToDouble(b);
    }

    /** Rust's {@code {:?}} for f64: shortest text that round-trips, always with a fraction. */
    public static String format(double d) {
        if (!Double.isFinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "inf" : "-inf";
        }
        String s = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
