package org.deeprnn.experiment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One number measured over several seeds: its values, mean, sample standard deviation and range,
 * so a verdict can set a difference against the spread it has to beat. A seed whose run diverged holds
 * infinity and one that never reached what was measured (e.g. an epoch below a target) holds NaN; they are
 * counted and named in the text, never averaged into the mean ("diverged on 1 of 3 seeds").
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

    /**
     * "6.724 ± 0.052 (6.671–6.776, 3 seeds)"; a single value prints alone. Mean and sd share the decimals that show
     * the sd to two significant digits, and whole-number measurements (epochs, counts) print their mean with one
     * decimal and their range as integers: "127.7 ± 0.6 (127–128, 3 seeds)".
     */
    @Override
    public String toString() {
        if (finiteCount() < values.length) {
            return finiteCount() == 0 ? missing() : finite() + ", " + missing();
        }
        if (values.length == 1) {
            return wholeNumbers() ? String.valueOf((long) values[0]) : format(values[0]);
        }
        String range = wholeNumbers() ? (long) min() + "–" + (long) max() : fixed(min(), decimals()) + "–" + fixed(max(), decimals());
        return meanSd() + " (" + range + ", " + n() + " seeds)";
    }

    /** "6.724 ± 0.052", or "96.7 ± 11.5" for whole numbers: the mean to the decimals of the sd; see {@link #toString} for seeds without a value. */
    public String meanSd() {
        if (finiteCount() < values.length) {
            Spread f = finiteCount() == 0 ? null : finite();
            return f == null ? missing() : (f.n() == 1 ? f.toString() : f.meanSd()) + ", " + missing();
        }
        int d = decimals();
        return fixed(mean(), d) + " ± " + fixed(sd(), d);
    }

    /** How many seeds hold a finite value (a run that diverged or never got there holds none). */
    public int finiteCount() {
        return (int) Arrays.stream(values).filter(Double::isFinite).count();
    }

    /** The finite values alone. @throws IllegalStateException when there are none */
    public Spread finite() {
        double[] f = Arrays.stream(values).filter(Double::isFinite).toArray();
        if (f.length == 0) {
            throw new IllegalStateException("No seed holds a finite value: " + missing());
        }
        return new Spread(f);
    }

    /** "diverged on 2 of 3 seeds", "not reached on 3 of 3 seeds", or both joined by "; ". */
    private String missing() {
        long diverged = Arrays.stream(values).filter(Double::isInfinite).count();
        long unreached = Arrays.stream(values).filter(Double::isNaN).count();
        String d = diverged == 0 ? "" : "diverged on " + diverged + " of " + n() + " seeds";
        String u = unreached == 0 ? "" : "not reached on " + unreached + " of " + n() + " seeds";
        return d.isEmpty() ? u : u.isEmpty() ? d : d + "; " + u;
    }

    private int decimals() {
        return wholeNumbers() ? 1 : decimalsFor(sd());
    }

    private boolean wholeNumbers() {
        return Arrays.stream(values).allMatch(v -> v == Math.rint(v) && Math.abs(v) < 1e15);
    }

    /**
     * The decimals that show {@code width} (an sd or an interval's half-width) to two significant digits, between 1
     * and 6; 3 when the width is 0 or not finite.
     */
    static int decimalsFor(double width) {
        if (!(width > 0) || Double.isInfinite(width)) {
            return 3;
        }
        int d = 1 - (int) Math.floor(Math.log10(width));
        return Math.max(1, Math.min(6, d));
    }

    private static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : format(value);
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
