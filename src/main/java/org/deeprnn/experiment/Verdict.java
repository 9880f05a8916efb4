package org.deeprnn.experiment;

import java.util.Objects;

/**
 * The verdict of one comparison over seeds, in words a reader can check: the mean paired difference with its 95%
 * confidence interval and p-value ({@link PairedDifference}), and on how many seeds the first setting is lower.
 *
 * <p>The rule: a setting is called better when the 95% interval of the paired difference excludes 0 (a paired
 * t-test at the 5% level). Pairing is used because both settings run on the same seeds, so seed-to-seed noise
 * that moves both alike cancels; the interval is printed so a reader sees how large the difference may be, not
 * only whether it is there. With three seeds the t quantile is 4.30, so only differences that are large against
 * their own scatter pass; a verdict whose interval almost touches 0 is worth more seeds.
 */
public final class Verdict {
    private final String first;
    private final String second;
    private final Spread a;
    private final Spread b;
    private final PairedDifference paired;

    private Verdict(String first, Spread a, String second, Spread b) {
        this.first = first;
        this.second = second;
        this.a = a;
        this.b = b;
        this.paired = PairedDifference.of(a, b);
    }

    /**
     * Compares a measurement where lower is better (perplexity, error) of two settings trained on the same seeds,
     * value i of each spread coming from seed i.
     *
     * @throws IllegalArgumentException if they were measured on different numbers of seeds
     */
    public static Verdict lowerIsBetter(String first, Spread a, String second, Spread b) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        return new Verdict(first, Objects.requireNonNull(a, "a"), second, Objects.requireNonNull(b, "b"));
    }

    /** The mean of the first minus the mean of the second (equal to the mean paired difference). */
    public double difference() {
        return a.mean() - b.mean();
    }

    /** The seed-by-seed difference first minus second, with its interval and p-value. */
    public PairedDifference paired() {
        return paired;
    }

    /** On how many seeds the first setting is lower than the second. */
    public int firstLowerOn() {
        int n = 0;
        for (double d : paired.differences().values()) {
            n += d < 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * True when the 95% interval of the paired difference excludes 0 (needs at least two seeds), or when one
     * setting diverged on every seed and the other on none.
     */
    public boolean clear() {
        if (!allFinite()) {
            return onlyOneDiverged();
        }
        return paired.excludesZero();
    }

    private boolean allFinite() {
        return a.finiteCount() == a.n() && b.finiteCount() == b.n();
    }

    /** One side finite on every seed, the other infinite (diverged) on every seed. */
    private boolean onlyOneDiverged() {
        return (a.finiteCount() == a.n() && divergedEverywhere(b)) || (b.finiteCount() == b.n() && divergedEverywhere(a));
    }

    private static boolean divergedEverywhere(Spread s) {
        return java.util.Arrays.stream(s.values()).allMatch(v -> v == Double.POSITIVE_INFINITY);
    }

    /** The better setting's name when the verdict is clear, otherwise null. */
    public String winner() {
        return clear() ? (difference() < 0 ? first : second) : null;
    }

    /**
     * For example "GRU, L = 2 vs GRU, L = 1: 6.724 ± 0.050 against 7.476 ± 0.062, paired difference -0.752
     * [-0.861, -0.643], p = 0.0017, lower on 3 of 3 seeds: GRU, L = 2 is better".
     */
    @Override
    public String toString() {
        if (!allFinite()) {
            String head = first + " vs " + second + ": " + a.meanSd() + " against " + b.meanSd() + ": ";
            return head + (clear() ? winner() + " is better (the other diverged on every seed)"
                    : "a run diverged or did not get there on some seeds only, no paired verdict");
        }
        String head = first + " vs " + second + ": " + a.meanSd() + " against " + b.meanSd() + ", paired difference "
                + paired + ", lower on " + firstLowerOn() + " of " + a.n() + " seeds: ";
        if (a.n() < 2) {
            return head + "one seed, no verdict";
        }
        return head + (clear() ? winner() + " is better" : "the interval includes 0, no clear winner");
    }
}
