package org.deeprnn.forecast;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class AutoregressiveForecasterTest {

    /** y_t = 0.5 + 0.5 y_{t-1} - 0.3 y_{t-2} + e_t, e_t ~ N(0, 0.1^2): a stationary AR(2) around 0.625. */
    static double[][] ar2(int seriesCount, int length, long seed) {
        Random random = new Random(seed);
        double[][] s = new double[seriesCount][length];
        for (double[] row : s) {
            row[0] = 0.625;
            row[1] = 0.625;
            for (int t = 2; t < length; t++) {
                row[t] = 0.5 + 0.5 * row[t - 1] - 0.3 * row[t - 2] + 0.1 * random.nextGaussian();
            }
        }
        return s;
    }

    @Test
    void recoversTheCoefficientsOfAKnownAr2Series() {
        AutoregressiveForecaster ar = AutoregressiveForecaster.fit(ar2(20, 500, 1), 2);
        assertEquals(2, ar.order());
        assertArrayEquals(new double[]{0.5, -0.3}, ar.coefficients(), 0.03);
        assertEquals(0.5, ar.intercept(), 0.03);
    }

    @Test
    void theTuningSeriesRejectOrderOneAndTheChosenModelBeatsLastValue() {
        AutoregressiveForecaster ar = AutoregressiveForecaster.select(ar2(20, 500, 1), ar2(10, 500, 2), 6);
        double[] errors = ar.tuningErrors();
        assertEquals(6, errors.length);
        assertTrue(ar.order() >= 2, "order " + ar.order());
        assertTrue(errors[0] > errors[1], "order 1 " + errors[0] + " against order 2 " + errors[1]);
        assertEquals(errors[ar.order() - 1], java.util.Arrays.stream(errors).min().getAsDouble());

        double[][] test = ar2(10, 300, 3);
        double arError = ForecastErrors.measure(ar, test, 5, new int[]{100, 200}, 5).oneStep();
        double lastValue = ForecastErrors.measure(new LastValueForecaster(), test, 5, new int[]{100, 200}, 5).oneStep();
        // the noise sd 0.1 is the best any forecaster can do one step ahead
        assertEquals(0.1, arError, 0.01);
        assertTrue(arError < 0.9 * lastValue, "AR " + arError + " against last value " + lastValue);
    }

    @Test
    void forecastsFollowTheFittedRecursion() {
        AutoregressiveForecaster ar = AutoregressiveForecaster.fit(ar2(20, 500, 1), 2);
        double c = ar.intercept();
        double a1 = ar.coefficients()[0];
        double a2 = ar.coefficients()[1];
        double[][] history = {{4.0, 4.5, 5.5}};
        double first = c + a1 * 5.5 + a2 * 4.5;
        double second = c + a1 * first + a2 * 5.5;
        assertArrayEquals(new double[]{first, second}, ar.multiStep(history, 2)[0], 1e-12);
        double[] oneStep = ar.oneStep(history)[0];
        // step 0 pads the missing value before the start with the first value
        assertArrayEquals(new double[]{c + (a1 + a2) * 4.0, c + a1 * 4.5 + a2 * 4.0, first}, oneStep, 1e-12);
    }

    @Test
    void badOrdersAndTooShortSeriesAreRefusedWithTheReason() {
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> AutoregressiveForecaster.fit(ar2(1, 50, 1), 0));
        assertEquals("The order k (how many past values the model reads) must be at least 1, got 0", order.getMessage());
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> AutoregressiveForecaster.fit(new double[][]{{1, 2, 3, 4}}, 3));
        assertEquals("Order 3 needs at least 4 windows of 4 values to fit its 4 parameters; the training series give 1", few.getMessage());
        IllegalArgumentException tuning = assertThrows(IllegalArgumentException.class,
                () -> AutoregressiveForecaster.select(ar2(2, 50, 1), new double[][]{{1, 2, 3}}, 4));
        assertEquals("Tuning series of 3 values leave nothing to score orders up to 4; give series of at least 5 values"
                + " or a lower maxOrder", tuning.getMessage());
    }
}
