package org.deeprnn.series;

import org.deeprnn.series.RegimeSeries.Split;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

class RegimeSeriesTest {
    static final RegimeParameters SMALL = RegimeParameters.defaults().withSequences(4, 3, 50);

    @Test
    void sameSeedGivesTheSameSeriesBitForBit() {
        for (Split split : Split.values()) {
            for (int i = 0; i < 3; i++) {
                RegimeSeries a = RegimeSeries.generate(SMALL, split, i), b = RegimeSeries.generate(SMALL, split, i);
                assertArrayEquals(a.values(), b.values(), 0.0, split + " " + i);
                assertArrayEquals(a.regime(), b.regime());
                assertArrayEquals(a.fast(), b.fast(), 0.0);
            }
        }
    }

    @Test
    void anotherSeedAnotherSplitOrAnotherIndexGiveOtherSeries() {
        double[] base = RegimeSeries.generate(SMALL, Split.TRAIN, 0).values();
        assertFalse(Arrays.equals(base, RegimeSeries.generate(SMALL.withSeed(SMALL.seed() + 1), Split.TRAIN, 0).values()));
        assertFalse(Arrays.equals(base, RegimeSeries.generate(SMALL, Split.TEST, 0).values()));
        assertFalse(Arrays.equals(base, RegimeSeries.generate(SMALL, Split.TRAIN, 1).values()));
    }

    @Test
    void testSequencesDoNotDependOnHowManyTrainingSequencesThereAre() {
        RegimeParameters more = SMALL.withSequences(40, 3, 50);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(RegimeSeries.generate(SMALL, Split.TEST, i).values(), RegimeSeries.generate(more, Split.TEST, i).values(), 0.0);
        }
        assertEquals(40, RegimeSeries.generateAll(more, Split.TRAIN).size());
        assertEquals(3, RegimeSeries.generateAll(more, Split.TEST).size());
    }

    @Test
    void everySequenceHasOneMorePointThanSteps() {
        RegimeSeries s = RegimeSeries.generate(SMALL, Split.TRAIN, 2);
        assertEquals(51, s.length());
        assertEquals(51, s.values().length);
    }

    @Test
    void valueIsTheSumOfTheParts() {
        RegimeSeries s = RegimeSeries.generate(SMALL, Split.TRAIN, 0);
        double[] v = s.values(), slow = s.slow(), cycle = s.cycle(), fast = s.fast(), noise = s.noise();
        for (int t = 0; t < v.length; t++) {
            assertEquals(slow[t] + cycle[t] + fast[t] + noise[t], v[t], 1e-12);
        }
    }

    /** Long chains: the regime behaves as the transition probabilities say, computed here from first principles. */
    @Test
    void regimeStatisticsAreThoseTheTransitionProbabilitiesImply() {
        double stayBull = 0.95, stayBear = 0.9;
        RegimeParameters p = RegimeParameters.defaults().withRegime(stayBull, stayBear).withSequences(20, 1, 5000);
        long steps = 0, bullSteps = 0, bullToBull = 0, bullFrom = 0, bearToBear = 0, bearFrom = 0;
        long bullRuns = 0, bullRunSteps = 0, bearRuns = 0, bearRunSteps = 0;
        for (RegimeSeries s : RegimeSeries.generateAll(p, Split.TRAIN)) {
            int[] r = s.regime();
            int runStart = -1; // start of the current run; -1 while the first run (cut by the sequence start) lasts
            for (int t = 0; t < r.length; t++) {
                steps++;
                bullSteps += r[t];
                if (t > 0) {
                    if (r[t - 1] == 1) {
                        bullFrom++;
                        bullToBull += r[t];
                    } else {
                        bearFrom++;
                        bearToBear += 1 - r[t];
                    }
                    if (r[t] != r[t - 1]) {
                        if (runStart >= 0) { // a run complete on both sides: its length is geometric
                            if (r[t - 1] == 1) {
                                bullRuns++;
                                bullRunSteps += t - runStart;
                            } else {
                                bearRuns++;
                                bearRunSteps += t - runStart;
                            }
                        }
                        runStart = t;
                    }
                }
            }
        }
        // a two-state chain leaves bull with probability a = 1 - stayBull and bear with b = 1 - stayBear;
        // in the long run it spends b / (a + b) of the time in bull, and a run lasts 1 / a (or 1 / b) steps on average
        double a = 1 - stayBull, b = 1 - stayBear;
        double expectedBullFraction = b / (a + b);
        System.out.printf(java.util.Locale.ROOT, "regime over %d steps: bull %.4f of the time (expected %.4f), bull->bull %.4f (%.2f), "
                        + "bear->bear %.4f (%.2f), mean bull run %.2f (%.1f), mean bear run %.2f (%.1f)%n",
                steps, (double) bullSteps / steps, expectedBullFraction, (double) bullToBull / bullFrom, stayBull,
                (double) bearToBear / bearFrom, stayBear, (double) bullRunSteps / bullRuns, 1 / a, (double) bearRunSteps / bearRuns, 1 / b);
        assertEquals(2.0 / 3.0, expectedBullFraction, 1e-12);
        assertEquals(expectedBullFraction, (double) bullSteps / steps, 0.03, "fraction of steps in bull");
        assertEquals(stayBull, (double) bullToBull / bullFrom, 0.005, "bull -> bull frequency");
        assertEquals(stayBear, (double) bearToBear / bearFrom, 0.01, "bear -> bear frequency");
        assertEquals(1 / a, (double) bullRunSteps / bullRuns, 0.07 / a, "mean bull run");
        assertEquals(1 / b, (double) bearRunSteps / bearRuns, 0.07 / b, "mean bear run");
        assertTrue(bullRuns > 1000 && bearRuns > 1000, "enough runs: " + bullRuns + ", " + bearRuns);

        RegimeRuns runs = RegimeRuns.of(RegimeSeries.generateAll(p, Split.TRAIN));
        assertEquals(steps, runs.steps());
        assertEquals((double) bullSteps / steps, runs.bullFraction(), 1e-12, "RegimeRuns counts as this test does");
        assertEquals((double) bullToBull / bullFrom, runs.stayBull(), 1e-12);
        assertEquals((double) bearToBear / bearFrom, runs.stayBear(), 1e-12);
        assertEquals(bullFrom - bullToBull, runs.bullExits());
        assertEquals(1 / a, runs.meanBullRun(), 0.07 / a);
        assertEquals(1 / b, runs.meanBearRun(), 0.07 / b);

        assertEquals(expectedBullFraction, p.bullFraction(), 1e-12);
        assertEquals(20.0, p.meanBullRun(), 1e-9);
        assertEquals(10.0, p.meanBearRun(), 1e-9);
    }

    /**
     * Short sequences cut many runs: the mean of the runs that fit inside a sequence is biased low,
     * the estimate from the switching frequencies is not.
     */
    @Test
    void runLengthsFromShortSequencesComeFromTheSwitches() {
        RegimeParameters p = RegimeParameters.defaults().withSequences(1000, 1, 240);
        RegimeRuns runs = RegimeRuns.of(RegimeSeries.generateAll(p, Split.TRAIN));
        double completeRuns = 0, complete = 0;
        for (RegimeSeries s : RegimeSeries.generateAll(p, Split.TRAIN)) {
            int[] r = s.regime();
            int start = -1;
            for (int t = 1; t < r.length; t++) {
                if (r[t] != r[t - 1]) {
                    if (start >= 0 && r[t - 1] == 1) {
                        completeRuns += t - start;
                        complete++;
                    }
                    start = t;
                }
            }
        }
        System.out.printf(java.util.Locale.ROOT, "240-step sequences: bull runs of %.1f steps from the switches, %.1f from the "
                + "complete runs only (configured %.1f)%n", runs.meanBullRun(), completeRuns / complete, p.meanBullRun());
        assertEquals(p.meanBullRun(), runs.meanBullRun(), 0.06 * p.meanBullRun());
        assertEquals(p.meanBearRun(), runs.meanBearRun(), 0.06 * p.meanBearRun());
        assertEquals(p.bullFraction(), runs.bullFraction(), 0.02);
        assertTrue(completeRuns / complete < 0.85 * p.meanBullRun(), "complete runs only: " + completeRuns / complete);
    }

    @Test
    void fastComponentNoiseAndCycleHaveTheConfiguredScales() {
        RegimeParameters p = RegimeParameters.defaults().withSequences(10, 1, 4000);
        double sum = 0, sumSq = 0, lag = 0, noiseSq = 0;
        long n = 0, pairs = 0;
        for (RegimeSeries s : RegimeSeries.generateAll(p, Split.TRAIN)) {
            double[] f = s.fast(), e = s.noise();
            for (int t = 0; t < f.length; t++) {
                sum += f[t];
                sumSq += f[t] * f[t];
                noiseSq += e[t] * e[t];
                n++;
                if (t > 0) {
                    lag += f[t] * f[t - 1];
                    pairs++;
                }
            }
            double[] c = s.cycle();
            int period = (int) p.cyclePeriod();
            for (int t = 0; t + period < c.length; t++) {
                assertEquals(c[t], c[t + period], 1e-9, "the cycle repeats every " + period + " steps");
            }
            assertEquals(p.cycleAmplitude(), Arrays.stream(c).max().orElseThrow(), 0.02);
        }
        double variance = sumSq / n - (sum / n) * (sum / n);
        assertEquals(0, sum / n, 0.03, "the fast component has mean 0");
        assertEquals(p.fastScale(), Math.sqrt(variance), 0.03, "its standard deviation");
        assertEquals(p.fastCorrelation(), (lag / pairs) / (sumSq / n), 0.03, "its lag-one correlation");
        assertEquals(p.noise(), Math.sqrt(noiseSq / n), 0.01, "noise standard deviation");
    }

    @Test
    void slowLevelSettlesNearDriftOverReversionInLongRegimes() {
        RegimeParameters p = RegimeParameters.defaults().withRegime(0.999, 0.999).withSequences(2, 1, 3000);
        for (RegimeSeries s : RegimeSeries.generateAll(p, Split.TRAIN)) {
            int[] r = s.regime();
            double[] slow = s.slow();
            for (int t = 200; t < r.length; t++) {
                boolean settled = true;
                for (int k = 1; k <= 200; k++) {
                    settled &= r[t - k] == r[t];
                }
                if (settled) {
                    double target = (r[t] == 1 ? p.bullDrift() : p.bearDrift()) / p.reversion();
                    assertEquals(target, slow[t], 0.01 * Math.abs(target) + 1e-6, "step " + t);
                }
            }
        }
    }

    @Test
    void parametersRoundTripThroughProperties() {
        RegimeParameters p = RegimeParameters.defaults().withSeed(-17).withRegime(0.91, 0.87);
        Properties props = new Properties();
        props.putAll(p.toMap());
        assertEquals(p, RegimeParameters.fromProperties(props));
        assertTrue(p.differencesFrom(RegimeParameters.fromProperties(props)).isEmpty());

        List<String> diffs = RegimeParameters.defaults().differencesFrom(p);
        assertTrue(diffs.contains("seed: -17 -> 2024"), diffs.toString());
        assertTrue(diffs.contains("stayBull: 0.91 -> 0.98"), diffs.toString());

        props.remove("noise");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegimeParameters.fromProperties(props))
                .getMessage().contains("'noise' is missing"));
        props.putAll(p.toMap());
        props.setProperty("steps", "many");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegimeParameters.fromProperties(props))
                .getMessage().contains("'steps' is 'many'"));
        props.putAll(p.toMap());
        props.setProperty("generatorVersion", "0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegimeParameters.fromProperties(props))
                .getMessage().contains("generatorVersion"));
    }

    @Test
    void badParametersNameTheParameter() {
        RegimeParameters d = RegimeParameters.defaults();
        assertNames("stayBull", () -> d.withRegime(1.0, 0.9));
        assertNames("stayBear", () -> d.withRegime(0.9, 0.0));
        assertNames("steps", () -> d.withSequences(2, 2, 1));
        assertNames("trainSequences", () -> d.withSequences(0, 2, 10));
        assertNames("reversion", () -> new RegimeParameters(1, 1, 1, 10, 0, 0.9, 0.9, 0.1, -0.1, 0, 1, 10, 1, 0.5, 0.1));
        assertNames("fastCorrelation", () -> new RegimeParameters(1, 1, 1, 10, 0, 0.9, 0.9, 0.1, -0.1, 0.1, 1, 10, 1, 1.0, 0.1));
        assertNames("cyclePeriod", () -> new RegimeParameters(1, 1, 1, 10, 0, 0.9, 0.9, 0.1, -0.1, 0.1, 1, 1, 1, 0.5, 0.1));
        assertNames("noise", () -> new RegimeParameters(1, 1, 1, 10, 0, 0.9, 0.9, 0.1, -0.1, 0.1, 1, 10, 1, 0.5, -1));
        assertNames("index", () -> RegimeSeries.generate(d, Split.TRAIN, -1));
        assertNames("regime[1]", () -> RegimeSeries.of(new int[]{1, 2}, new double[2], new double[2], new double[2], new double[2]));
    }

    private static void assertNames(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(name), "message should name " + name + ": " + e.getMessage());
    }
}
