package org.deeprnn.data;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a set of generated series actually spent its time (notebook 4, section "The data"), to set
 * against what the transition probabilities imply ({@link RegimeParameters#bullFraction()},
 * {@link RegimeParameters#meanBullRun()}, {@link RegimeParameters#meanBearRun()}). Mean run lengths
 * count only runs that start and end inside a sequence: runs cut off by a sequence's start or end
 * would bias them downwards.
 *
 * @param steps        number of steps counted
 * @param bullFraction share of steps in the bull regime
 * @param meanBullRun  mean length of the complete bull runs, NaN if there is none
 * @param meanBearRun  mean length of the complete bear runs, NaN if there is none
 * @param bullRuns     number of complete bull runs
 * @param bearRuns     number of complete bear runs
 */
public record RegimeRuns(long steps, double bullFraction, double meanBullRun, double meanBearRun, long bullRuns, long bearRuns) {

    public static RegimeRuns of(List<RegimeSeries> series) {
        Objects.requireNonNull(series, "series");
        long steps = 0, bull = 0, bullRuns = 0, bearRuns = 0, bullRunSteps = 0, bearRunSteps = 0;
        for (RegimeSeries s : series) {
            int[] r = s.regime();
            int start = -1; // -1 while the run that began before the sequence lasts
            for (int t = 0; t < r.length; t++) {
                steps++;
                bull += r[t] == RegimeSeries.BULL ? 1 : 0;
                if (t > 0 && r[t] != r[t - 1]) {
                    if (start >= 0) {
                        if (r[t - 1] == RegimeSeries.BULL) {
                            bullRuns++;
                            bullRunSteps += t - start;
                        } else {
                            bearRuns++;
                            bearRunSteps += t - start;
                        }
                    }
                    start = t;
                }
            }
        }
        if (steps == 0) {
            throw new IllegalArgumentException("No steps to count: the list of series is empty");
        }
        return new RegimeRuns(steps, (double) bull / steps,
                bullRuns == 0 ? Double.NaN : (double) bullRunSteps / bullRuns,
                bearRuns == 0 ? Double.NaN : (double) bearRunSteps / bearRuns, bullRuns, bearRuns);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d steps: bull %.1f%% of the time; %d complete bull runs of %.1f steps on average, "
                + "%d bear runs of %.1f", steps, 100 * bullFraction, bullRuns, meanBullRun, bearRuns, meanBearRun);
    }
}
