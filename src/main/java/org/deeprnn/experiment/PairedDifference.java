package org.deeprnn.experiment;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.Locale;
import java.util.Objects;

/**
 * The seed-by-seed difference of two settings trained on the same seeds, as a paired t statistic: the mean
 * difference, its 95% confidence interval and the two-sided p-value of "no difference".
 *
 * <p>Pairing is what makes three seeds enough to say something: seed i fixes the initial weights and the batch
 * order on both sides, so the differences {@code a[i] - b[i]} cancel what the seed alone moves, and their spread
 * is usually far smaller than either setting's own. The interval is {@code mean ± t(0.975, n - 1) · sd / √n}
 * (Student's t with n - 1 degrees of freedom, from Commons Math); it assumes the per-seed differences scatter
 * roughly normally, which three seeds cannot check, so a verdict near the edge calls for more seeds.
 */
public final class PairedDifference {
    private final Spread differences;

    private PairedDifference(Spread differences) {
        this.differences = differences;
    }

    /**
     * The differences {@code a[i] - b[i]}.
     *
     * @throws IllegalArgumentException if the two do not hold the same number of values
     */
    public static PairedDifference of(Spread a, Spread b) {
        return new PairedDifference(Spread.pairedDifference(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b")));
    }

    /** The per-seed differences themselves. */
    public Spread differences() {
        return differences;
    }

    public int n() {
        return differences.n();
    }

    public double mean() {
        return differences.mean();
    }

    /** The 0.975 quantile of Student's t with n - 1 degrees of freedom (4.303 for three seeds). */
    public double tQuantile() {
        requireTwo();
        return new TDistribution(null, n() - 1).inverseCumulativeProbability(0.975);
    }

    /** Half the width of the 95% confidence interval of the mean difference. */
    public double halfWidth() {
        return tQuantile() * differences.sd() / Math.sqrt(n());
    }

    public double lower() {
        return mean() - halfWidth();
    }

    public double upper() {
        return mean() + halfWidth();
    }

    /**
     * The two-sided p-value of the paired t-test: how often differences at least this far from 0 (in standard
     * errors) would turn up if the settings were equal. 0 when every seed differs by the same nonzero amount,
     * 1 when every difference is 0.
     */
    public double pValue() {
        requireTwo();
        double se = differences.sd() / Math.sqrt(n());
        if (se == 0) {
            return mean() == 0 ? 1 : 0;
        }
        double t = Math.abs(mean()) / se;
        return 2 * new TDistribution(null, n() - 1).cumulativeProbability(-t);
    }

    /** True when the 95% interval excludes 0, the same as p below 0.05. */
    public boolean excludesZero() {
        return n() > 1 && (lower() > 0 || upper() < 0);
    }

    /**
     * "-0.753 [-0.912, -0.594], p = 0.0032": the mean difference and its interval to the decimals that show the
     * interval's width to two significant digits, so the figure a verdict rests on is never rounded away.
     */
    @Override
    public String toString() {
        if (n() < 2) {
            return Spread.format(mean()) + " (one seed, no interval)";
        }
        int decimals = Spread.decimalsFor(halfWidth());
        return signed(mean(), decimals) + " [" + signed(lower(), decimals) + ", " + signed(upper(), decimals) + "], " + pText(pValue());
    }

    private static String signed(double v, int decimals) {
        return String.format(Locale.ROOT, "%+." + decimals + "f", v);
    }

    /** "p = 0.026", or "p < 0.0001" below that. */
    static String pText(double p) {
        return p < 1e-4 ? "p < 0.0001" : String.format(Locale.ROOT, "p = %.2g", p);
    }

    private void requireTwo() {
        if (n() < 2) {
            throw new IllegalStateException("A paired interval needs at least two seeds, got " + n()
                    + "; train the settings on more seeds");
        }
    }
}
