package org.deeprnn.forecast;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ForecastErrorsTest {
    /** Two straight lines: the last-value baseline is off by the slope at one step and by k times the slope at k steps. */
    static double[][] lines() {
        double[][] s = new double[2][20];
        for (int t = 0; t < 20; t++) {
            s[0][t] = 1 + 0.5 * t;
            s[1][t] = 7 - 0.5 * t;
        }
        return s;
    }

    @Test
    void lastValueErrorsOnStraightLinesAreTheSlopeTimesTheStepsAhead() {
        ForecastErrors e = ForecastErrors.measure(new LastValueForecaster(), lines(), 3, new int[]{5, 10}, 4);
        assertEquals(0.5, e.oneStep(), 1e-12);
        assertArrayEquals(new double[]{0.5, 1.0, 1.5, 2.0}, e.byHorizon(), 1e-12);
        assertEquals(4, e.horizon());
        assertEquals(2.0, e.atHorizon(), 1e-12);
        assertEquals(Math.sqrt((0.25 + 1 + 2.25 + 4) / 4), e.multiStep(), 1e-12);
    }

    @Test
    void aPerfectForecasterHasNoError() {
        double[][] truth = lines();
        Forecaster oracle = new Forecaster() {
            @Override
            public double[][] oneStep(double[][] series) {
                double[][] out = new double[series.length][series[0].length];
                for (int s = 0; s < series.length; s++) {
                    for (int t = 0; t < series[s].length; t++) {
                        out[s][t] = truth[s][t + 1];
                    }
                }
                return out;
            }

            @Override
            public double[][] multiStep(double[][] history, int horizon) {
                double[][] out = new double[history.length][horizon];
                for (int s = 0; s < history.length; s++) {
                    for (int k = 0; k < horizon; k++) {
                        out[s][k] = truth[s][history[s].length + k];
                    }
                }
                return out;
            }
        };
        ForecastErrors e = ForecastErrors.measure(oracle, truth, 0, new int[]{1, 16}, 4);
        assertEquals(0, e.oneStep(), 0);
        assertEquals(0, e.multiStep(), 0);
    }

    @Test
    void originsAndWarmupMustFit() {
        Forecaster f = new LastValueForecaster();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForecastErrors.measure(f, lines(), 0, new int[]{17}, 4))
                .getMessage().contains("origin 17"));
        assertThrows(IllegalArgumentException.class, () -> ForecastErrors.measure(f, lines(), 0, new int[]{0}, 4));
        assertThrows(IllegalArgumentException.class, () -> ForecastErrors.measure(f, lines(), 19, new int[]{5}, 4));
        assertThrows(IllegalArgumentException.class, () -> ForecastErrors.measure(f, lines(), 0, new int[]{}, 4));
        assertThrows(IllegalArgumentException.class, () -> ForecastErrors.measure(f, new double[][]{{1, 2}, {1}}, 0, new int[]{1}, 1));
        assertThrows(IllegalArgumentException.class, () -> f.multiStep(lines(), 0));
    }
}
