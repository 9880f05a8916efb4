package org.deeprnn.series;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a set of generated series actually switched regimes (notebook 4, "The data"), to set
 * against what the transition probabilities imply ({@link RegimeParameters#bullFraction()},
 * {@link RegimeParameters#stayBull()}, {@link RegimeParameters#meanBullRun()}, ...).
 * <p>
 * The mean run lengths are estimated from the switches: the steps spent in a regime (that have a
 * next step) divided by the number of times it was left, which is 1 / (1 - observed stay frequency).
 * Averaging the lengths of the runs that fit inside a sequence instead would favour short runs,
 * since a long run is more often cut off by a sequence's start or end: with 240-step sequences and
 * 50-step runs that average comes out near 38.
 *
 * @param steps        number of steps counted
 * @param bullFraction share of steps in the bull regime
 * @param stayBull     share of bull steps followed by a bull step (the estimate of {@code stayBull})
 * @param stayBear     share of bear steps followed by a bear step
 * @param bullExits    number of switches from bull to bear
 * @param bearExits    number of switches from bear to bull
 */
public record RegimeRuns(long steps, double bullFraction, double stayBull, double stayBear, long bullExits, long bearExits) {

    public static RegimeRuns of(List<RegimeSeries> series) {
        Objects.requireNonNull(series, "series");
        long steps = 0, bull = 0, fromBull = 0, fromBear = 0, bullExits = 0, bearExits = 0;
        for (RegimeSeries s : series) {
            int[] r = s.regime();
            for (int t = 0; t < r.length; t++) {
                steps++;
                bull += r[t] == RegimeSeries.BULL ? 1 : 0;
                if (t > 0) {
                    if (r[t - 1] == RegimeSeries.BULL) {
                        fromBull++;
                        bullExits += r[t] == RegimeSeries.BULL ? 0 : 1;
                    } else {
                        fromBear++;
                        bearExits += r[t] == RegimeSeries.BEAR ? 0 : 1;
                    }
                }
            }
        }
        if (fromBull + fromBear == 0) {
            throw new IllegalArgumentException("No transitions to count: the series are empty or one step long");
        }
        return new RegimeRuns(steps, (double) bull / steps,
                fromBull == 0 ? Double.NaN : 1.0 - (double) bullExits / fromBull,
                fromBear == 0 ? Double.NaN : 1.0 - (double) bearExits / fromBear, bullExits, bearExits);
    }

    /** Mean length of a bull run, 1 / (1 - {@link #stayBull()}); infinite if bull was never left. */
    public double meanBullRun() {
        return 1 / (1 - stayBull);
    }

    /** Mean length of a bear run, 1 / (1 - {@link #stayBear()}). */
    public double meanBearRun() {
        return 1 / (1 - stayBear);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d steps: bull %.1f%% of the time; stay bull %.4f, stay bear %.4f "
                        + "(%d and %d switches): bull runs of %.1f steps, bear runs of %.1f steps on average",
                steps, 100 * bullFraction, stayBull, stayBear, bullExits, bearExits, meanBullRun(), meanBearRun());
    }
}
