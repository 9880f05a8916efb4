package org.deeprnn.experiment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One number measured over several seeds: its values, mean, sample standard deviation and range,
 * so a verdict can set a difference against the spread it has to beat.
 */
public record Spread(double[] values) {
    public Spread {
        Objects.requireNonNull(values, "values");
        if (values.length == 0) {
            throw new IllegalArgumentException("A spread needs at least one value");
        }
        values = values.clone();
    }

    public static Spread of(double... values) {
        return new Spread(values);
    }

    /**
     * The per-seed differences {@code a[i] - b[i]}: for two settings trained on the same seeds, whether one
     * is ahead on every seed, and by how much.
     *
     * @throws IllegalArgumentException if the two do not hold the same number of values
     */
    public static Spread pairedDifference(Spread a, Spread b) {
        if (a.n() != b.n()) {
            throw new IllegalArgumentException("A paired difference needs the same seeds on both sides, got "
                    + a.n() + " and " + b.n() + " values");
        }
        double[] d = new double[a.n()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.values[i] - b.values[i];
        }
        return new Spread(d);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public int n() {
        return values.length;
    }

    public double mean() {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** The sample standard deviation (n - 1 in the denominator); 0 for a single value. */
    public double sd() {
        if (values.length < 2) {
            return 0;
        }
        double m = mean();
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    public double min() {
        return Arrays.stream(values).min().orElseThrow();
    }

    public double max() {
        return Arrays.stream(values).max().orElseThrow();
    }

    /** "6.724 ± 0.052 (6.671–6.776, 3 seeds)"; a single value prints alone. */
    @Override
    public String toString() {
        if (values.length == 1) {
            return format(values[0]);
        }
        return format(mean()) + " ± " + format(sd()) + " (" + format(min()) + "–" + format(max()) + ", " + n() + " seeds)";
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return Math.abs(value) >= 1e5 || (value != 0 && Math.abs(value) < 1e-3)
                ? String.format(Locale.ROOT, "%.3g", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Spread s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
