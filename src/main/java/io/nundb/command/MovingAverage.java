package io.nundb.command;

/** NunDB's exponential moving average (period 100, k = 2/(period+1); the first sample starts it). */
public final class MovingAverage {

    private final double k;
    private double value;
    private boolean started;

    public MovingAverage(int period) {
        this.k = 2.0 / (period + 1);
    }

    public synchronized void add(double sample) {
        if (!started) {
            value = sample;
            started = true;
        } else {
            value = sample * k + value * (1 - k);
        }
    }

    public synchronized double value() {
        return value;
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
