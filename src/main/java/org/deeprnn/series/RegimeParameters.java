package org.deeprnn.series;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything that decides the multi-scale series (notebook 4, "The data"): how many
 * sequences of how many steps, the two-state Markov regime (the chance of staying bull or bear
 * from one step to the next), the drift each regime adds to the slow level and the pull that
 * keeps that level bounded, the medium cycle, the fast AR(1) fluctuations and the white noise.
 * It is written beside the generated files as {@code parameters.properties}, so files made with
 * other settings are recognised and never used by mistake.
 *
 * @param seed            seed of the generator: the same parameters give the same series, bit for bit
 * @param trainSequences  number of training sequences
 * @param testSequences   number of test sequences (generated from their own streams: changing
 *                        {@code trainSequences} does not change them)
 * @param steps           time steps per sequence (each step's input and the value one step later)
 * @param burnIn          steps generated and dropped before a sequence starts, so that its slow level and
 *                        fast component start from their long-run distributions
 * @param stayBull        probability that a bull step is followed by another bull step
 * @param stayBear        probability that a bear step is followed by another bear step
 * @param bullDrift       what a bull step adds to the slow level
 * @param bearDrift       what a bear step adds to the slow level (negative for a falling market)
 * @param reversion       fraction of the slow level lost per step: the slow level follows
 *                        {@code slow[t] = (1 - reversion) slow[t-1] + drift(regime[t])} and settles near
 *                        {@code drift / reversion} in a long regime instead of wandering off
 * @param cycleAmplitude  amplitude of the medium sine cycle (its phase is random per sequence)
 * @param cyclePeriod     period of the medium cycle in steps
 * @param fastScale       standard deviation of the fast component, an AR(1) process
 * @param fastCorrelation lag-one correlation of the fast component (its memory is a few steps)
 * @param noise           standard deviation of the white observation noise
 */
public record RegimeParameters(long seed, int trainSequences, int testSequences, int steps, int burnIn,
                               double stayBull, double stayBear, double bullDrift, double bearDrift,
                               double reversion, double cycleAmplitude, double cyclePeriod,
                               double fastScale, double fastCorrelation, double noise) {

    /** Version of the generating algorithm; a file set made by another version is regenerated. */
    public static final int GENERATOR_VERSION = 1;

    public RegimeParameters {
        positive("trainSequences", trainSequences);
        positive("testSequences", testSequences);
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be at least 2, got " + steps + ": a sequence needs a few steps to predict");
        }
        if (burnIn < 0) {
            throw new IllegalArgumentException("burnIn must be zero or more, got " + burnIn);
        }
        probability("stayBull", stayBull);
        probability("stayBear", stayBear);
        finite("bullDrift", bullDrift);
        finite("bearDrift", bearDrift);
        if (!(reversion > 0 && reversion < 1)) {
            throw new IllegalArgumentException("reversion must be in (0, 1), got " + reversion
                    + ": without it the slow level would drift without bound");
        }
        nonNegative("cycleAmplitude", cycleAmplitude);
        if (!(cyclePeriod >= 2) || Double.isInfinite(cyclePeriod)) {
            throw new IllegalArgumentException("cyclePeriod must be a finite number of at least 2 steps, got " + cyclePeriod);
        }
        nonNegative("fastScale", fastScale);
        if (!(fastCorrelation > -1 && fastCorrelation < 1)) {
            throw new IllegalArgumentException("fastCorrelation must be in (-1, 1), got " + fastCorrelation
                    + ": the fast component must stay stationary");
        }
        nonNegative("noise", noise);
    }

    /**
     * The notebook's series: 384 training and 64 test sequences of 240 steps; bull runs last 50
     * steps on average, bear runs 25, so two thirds of the time is bull; a 24-step cycle; fast
     * fluctuations with a memory of a few steps; a little noise.
     */
    public static RegimeParameters defaults() {
        return new RegimeParameters(2024, 384, 64, 240, 300,
                0.98, 0.96, 0.06, -0.10, 0.03,
                0.8, 24, 0.5, 0.6, 0.15);
    }

    public RegimeParameters withSeed(long newSeed) {
        return new RegimeParameters(newSeed, trainSequences, testSequences, steps, burnIn, stayBull, stayBear,
                bullDrift, bearDrift, reversion, cycleAmplitude, cyclePeriod, fastScale, fastCorrelation, noise);
    }

    public RegimeParameters withSequences(int train, int test, int numSteps) {
        return new RegimeParameters(seed, train, test, numSteps, burnIn, stayBull, stayBear,
                bullDrift, bearDrift, reversion, cycleAmplitude, cyclePeriod, fastScale, fastCorrelation, noise);
    }

    public RegimeParameters withRegime(double newStayBull, double newStayBear) {
        return new RegimeParameters(seed, trainSequences, testSequences, steps, burnIn, newStayBull, newStayBear,
                bullDrift, bearDrift, reversion, cycleAmplitude, cyclePeriod, fastScale, fastCorrelation, noise);
    }

    /** Long-run fraction of steps in the bull regime: (1 - stayBear) / ((1 - stayBull) + (1 - stayBear)). */
    public double bullFraction() {
        return (1 - stayBear) / ((1 - stayBull) + (1 - stayBear));
    }

    /** Mean length of a bull run in steps, 1 / (1 - stayBull): run lengths are geometric. */
    public double meanBullRun() {
        return 1 / (1 - stayBull);
    }

    /** Mean length of a bear run in steps, 1 / (1 - stayBear). */
    public double meanBearRun() {
        return 1 / (1 - stayBear);
    }

    /** The parameters as name-value pairs, in declaration order, with the generator version first. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("generatorVersion", String.valueOf(GENERATOR_VERSION));
        m.put("seed", String.valueOf(seed));
        m.put("trainSequences", String.valueOf(trainSequences));
        m.put("testSequences", String.valueOf(testSequences));
        m.put("steps", String.valueOf(steps));
        m.put("burnIn", String.valueOf(burnIn));
        m.put("stayBull", num(stayBull));
        m.put("stayBear", num(stayBear));
        m.put("bullDrift", num(bullDrift));
        m.put("bearDrift", num(bearDrift));
        m.put("reversion", num(reversion));
        m.put("cycleAmplitude", num(cycleAmplitude));
        m.put("cyclePeriod", num(cyclePeriod));
        m.put("fastScale", num(fastScale));
        m.put("fastCorrelation", num(fastCorrelation));
        m.put("noise", num(noise));
        return m;
    }

    /**
     * The parameters recorded in {@code props} (as written from {@link #toMap()}).
     *
     * @throws IllegalArgumentException naming the missing or unreadable entry
     */
    public static RegimeParameters fromProperties(Properties props) {
        int version = (int) longValue(props, "generatorVersion");
        if (version != GENERATOR_VERSION) {
            throw new IllegalArgumentException("generatorVersion is " + version + ", this code writes version " + GENERATOR_VERSION);
        }
        return new RegimeParameters(longValue(props, "seed"), (int) longValue(props, "trainSequences"),
                (int) longValue(props, "testSequences"), (int) longValue(props, "steps"), (int) longValue(props, "burnIn"),
                doubleValue(props, "stayBull"), doubleValue(props, "stayBear"),
                doubleValue(props, "bullDrift"), doubleValue(props, "bearDrift"), doubleValue(props, "reversion"),
                doubleValue(props, "cycleAmplitude"), doubleValue(props, "cyclePeriod"),
                doubleValue(props, "fastScale"), doubleValue(props, "fastCorrelation"), doubleValue(props, "noise"));
    }

    /** The entries in which {@code other} differs from these parameters, as "name: theirs -> ours"; empty when equal. */
    public List<String> differencesFrom(RegimeParameters other) {
        Objects.requireNonNull(other, "other");
        Map<String, String> ours = toMap();
        Map<String, String> theirs = other.toMap();
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String t = theirs.get(e.getKey());
            if (!e.getValue().equals(t)) {
                diffs.add(e.getKey() + ": " + t + " -> " + e.getValue());
            }
        }
        return diffs;
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    private static String entry(Properties props, String name) {
        String v = props.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the entry '" + name + "' is missing");
        }
        return v.trim();
    }

    private static long longValue(Properties props, String name) {
        String v = entry(props, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the entry '" + name + "' is '" + v + "', not a whole number", e);
        }
    }

    private static double doubleValue(Properties props, String name) {
        String v = entry(props, name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the entry '" + name + "' is '" + v + "', not a number", e);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    private static void probability(String name, double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException(name + " is a probability and must be in (0, 1), got " + p
                    + ": at 1 the regime would never switch, at 0 it would switch every step");
        }
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + v);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number of at least 0, got " + v);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RegimeParameters(seed %d; %d train + %d test sequences of %d steps; "
                        + "stay bull %s, stay bear %s (bull %.0f%% of the time, runs of %.0f and %.0f steps); drift %s / %s, "
                        + "reversion %s; cycle %s x sin(period %s); fast AR(1) sd %s, corr %s; noise sd %s)",
                seed, trainSequences, testSequences, steps, stayBull, stayBear, 100 * bullFraction(), meanBullRun(),
                meanBearRun(), bullDrift, bearDrift, reversion, cycleAmplitude, cyclePeriod, fastScale, fastCorrelation, noise);
    }
}
