package org.deeprnn.series;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One synthetic market-like series with known parts (notebook 4, "The data"): a slow
 * bull/bear regime that switches as a two-state Markov chain and sets the drift of a slow level,
 * a medium sine cycle, fast AR(1) fluctuations and white noise, added up:
 * {@code value[t] = slow[t] + cycle[t] + fast[t] + noise[t]}. The parts are kept, so a notebook
 * can ask which layer of a trained network tracks which of them.
 * <p>
 * The chapter motivates deep RNNs with exactly this picture (a slow regime in a higher layer,
 * short-term fluctuations lower down); here the truth is known, so the claim can be checked.
 * Every sequence has its own random stream derived from the seed, the split and its index, so
 * the series are reproducible bit for bit and do not depend on how many others are generated.
 * The generator uses its own Gaussian sampler, so the numbers do not change with the JDK.
 */
public final class RegimeSeries {
    /** The regime value of a bull step (a bear step is 0). */
    public static final int BULL = 1;
    public static final int BEAR = 0;

    /** The two sets of sequences: they come from separate random streams. */
    public enum Split {
        TRAIN, TEST;

        /** Lower-case name, used for folder names. */
        public String folderName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final int[] regime;
    private final double[] slow;
    private final double[] cycle;
    private final double[] fast;
    private final double[] noise;

    private RegimeSeries(int[] regime, double[] slow, double[] cycle, double[] fast, double[] noise) {
        this.regime = regime;
        this.slow = slow;
        this.cycle = cycle;
        this.fast = fast;
        this.noise = noise;
    }

    /** Rebuilds a series from its parts (for example read back from files); all arrays must have one length. */
    public static RegimeSeries of(int[] regime, double[] slow, double[] cycle, double[] fast, double[] noise) {
        int n = Objects.requireNonNull(regime, "regime").length;
        for (double[] a : new double[][]{slow, cycle, fast, noise}) {
            if (Objects.requireNonNull(a, "part").length != n) {
                throw new IllegalArgumentException("All parts of a series must have the same length; regime has " + n
                        + " steps, another part " + a.length);
            }
        }
        for (int t = 0; t < n; t++) {
            if (regime[t] != BULL && regime[t] != BEAR) {
                throw new IllegalArgumentException("regime[" + t + "] is " + regime[t] + "; it must be " + BULL
                        + " (bull) or " + BEAR + " (bear)");
            }
        }
        return new RegimeSeries(regime.clone(), slow.clone(), cycle.clone(), fast.clone(), noise.clone());
    }

    /**
     * Sequence {@code index} of {@code split}: {@code p.steps() + 1} points, so that every one of the
     * {@code steps} inputs has a next value to predict.
     */
    public static RegimeSeries generate(RegimeParameters p, Split split, int index) {
        Objects.requireNonNull(p, "parameters");
        Objects.requireNonNull(split, "split");
        if (index < 0) {
            throw new IllegalArgumentException("index must be zero or more, got " + index);
        }
        SplittableRandom rng = new SplittableRandom(streamSeed(p.seed(), split, index));
        int n = p.steps() + 1;
        int total = p.burnIn() + n;
        int[] regime = new int[n];
        double[] slow = new double[n];
        double[] cycle = new double[n];
        double[] fast = new double[n];
        double[] noise = new double[n];

        double phase = 2 * Math.PI * rng.nextDouble();
        double fastInnovation = p.fastScale() * Math.sqrt(1 - p.fastCorrelation() * p.fastCorrelation());
        int s = rng.nextDouble() < p.bullFraction() ? BULL : BEAR;
        double level = (s == BULL ? p.bullDrift() : p.bearDrift()) / p.reversion();
        double f = p.fastScale() * gaussian(rng);
        for (int t = 0; t < total; t++) {
            if (t > 0) {
                double stay = s == BULL ? p.stayBull() : p.stayBear();
                if (rng.nextDouble() >= stay) {
                    s = 1 - s;
                }
                level = (1 - p.reversion()) * level + (s == BULL ? p.bullDrift() : p.bearDrift());
                f = p.fastCorrelation() * f + fastInnovation * gaussian(rng);
            }
            double e = p.noise() * gaussian(rng);
            int i = t - p.burnIn();
            if (i >= 0) {
                regime[i] = s;
                slow[i] = level;
                cycle[i] = p.cycleAmplitude() * Math.sin(2 * Math.PI * i / p.cyclePeriod() + phase);
                fast[i] = f;
                noise[i] = e;
            }
        }
        return new RegimeSeries(regime, slow, cycle, fast, noise);
    }

    /** All sequences of {@code split}: {@code p.trainSequences()} or {@code p.testSequences()} of them. */
    public static List<RegimeSeries> generateAll(RegimeParameters p, Split split) {
        int count = split == Split.TRAIN ? p.trainSequences() : p.testSequences();
        List<RegimeSeries> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(p, split, i));
        }
        return out;
    }

    /** A well-mixed seed per (seed, split, index): neighbouring seeds give unrelated streams. */
    static long streamSeed(long seed, Split split, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + (split.ordinal() + 1) * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A standard normal number by Box-Muller from two uniform draws (fixed here, unlike the JDK's sampler). */
    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(); // in (0, 1]
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Number of points. */
    public int length() {
        return regime.length;
    }

    /** The observed series: slow + cycle + fast + noise at every step. */
    public double[] values() {
        double[] v = new double[regime.length];
        for (int t = 0; t < v.length; t++) {
            v[t] = slow[t] + cycle[t] + fast[t] + noise[t];
        }
        return v;
    }

    /** {@link #BULL} or {@link #BEAR} at every step. */
    public int[] regime() {
        return regime.clone();
    }

    /** The slow level that the regime's drift moves. */
    public double[] slow() {
        return slow.clone();
    }

    /** The medium cycle. */
    public double[] cycle() {
        return cycle.clone();
    }

    /** The fast AR(1) fluctuations. */
    public double[] fast() {
        return fast.clone();
    }

    /** The white noise. */
    public double[] noise() {
        return noise.clone();
    }
}
