package org.deeprnn.experiment;

import java.util.Locale;
import java.util.Objects;

/**
 * The verdict of one comparison over seeds, in words: how far apart two settings' means are, on how
 * many seeds the first is lower, and how large the difference is against the spread within each
 * setting, so a chapter never reads a winner into a gap that the seeds alone produce.
 */
public final class Verdict {
    /** A mean difference below this many sample standard deviations (the larger of the two) is called unclear. */
    public static final double CLEAR = 2;

    private final String first;
    private final String second;
    private final Spread a;
    private final Spread b;

    private Verdict(String first, Spread a, String second, Spread b) {
        this.first = first;
        this.second = second;
        this.a = a;
        this.b = b;
    }

    /**
     * Compares a measurement where lower is better (perplexity, error) of two settings trained on the same seeds.
     *
     * @throws IllegalArgumentException if they were measured on different numbers of seeds
     */
    public static Verdict lowerIsBetter(String first, Spread a, String second, Spread b) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Spread.pairedDifference(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"));
        return new Verdict(first, a, second, b);
    }

    /** The mean of the first minus the mean of the second. */
    public double difference() {
        return a.mean() - b.mean();
    }

    /** The difference in units of the larger of the two standard deviations (infinite if both are 0). */
    public double differenceInSds() {
        double sd = Math.max(a.sd(), b.sd());
        return sd == 0 ? (difference() == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(difference()) / sd;
    }

    /** On how many seeds the first setting is lower than the second. */
    public int firstLowerOn() {
        int n = 0;
        for (double d : Spread.pairedDifference(a, b).values()) {
            n += d < 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * True when the difference is at least {@value #CLEAR} standard deviations and has the same sign on every seed.
     */
    public boolean clear() {
        int lower = firstLowerOn();
        return a.n() > 1 && differenceInSds() >= CLEAR && (lower == a.n() || lower == 0);
    }

    /** The better setting's name when the verdict is clear, otherwise null. */
    public String winner() {
        return clear() ? (difference() < 0 ? first : second) : null;
    }

    /**
     * For example "GRU, L = 2 vs GRU, L = 1: -0.753 (6.724 ± 0.050 against 7.476 ± 0.062), lower on 3 of 3 seeds,
     * 12.1 sd: GRU, L = 2 is better".
     */
    @Override
    public String toString() {
        String ratio = Double.isInfinite(differenceInSds()) ? "no spread" : String.format(Locale.ROOT, "%.1f sd", differenceInSds());
        String head = String.format(Locale.ROOT, "%s vs %s: %+.3f (%s ± %s against %s ± %s), lower on %d of %d seeds, %s: ",
                first, second, difference(), Spread.format(a.mean()), Spread.format(a.sd()), Spread.format(b.mean()),
                Spread.format(b.sd()), firstLowerOn(), a.n(), ratio);
        if (a.n() < 2) {
            return head + "one seed, no verdict";
        }
        return head + (clear() ? winner() + " is better" : "within the spread, no clear winner");
    }
}
