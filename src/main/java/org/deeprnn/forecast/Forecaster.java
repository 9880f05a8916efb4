package org.deeprnn.forecast;

import java.util.Objects;

/**
 * Predicts a real-valued series (notebook 4, section "Forecasting"), several series of one length
 * at a time, one per row: either one step ahead from the true history at every step, or many steps
 * ahead from the end of a history. {@link NetworkForecaster} asks a trained network,
 * {@link LastValueForecaster} is the naive baseline, {@link AutoregressiveForecaster} the linear one.
 */
public interface Forecaster {

    /** {@code result[s][t]} is the prediction of {@code series[s][t + 1]} from {@code series[s][0..t]}. */
    double[][] oneStep(double[][] series);

    /**
     * After reading {@code history[s]}, the next {@code horizon} values of each series:
     * {@code result[s][k]} is the forecast {@code k + 1} steps past the end of the history.
     */
    double[][] multiStep(double[][] history, int horizon);

    /** The common length of the series, after checking that there is at least one, all of one length, not empty. */
    static int requireSameLength(double[][] series) {
        Objects.requireNonNull(series, "series");
        if (series.length == 0 || series[0] == null || series[0].length == 0) {
            throw new IllegalArgumentException("Need at least one series of at least one step");
        }
        int steps = series[0].length;
        for (int s = 1; s < series.length; s++) {
            if (series[s] == null || series[s].length != steps) {
                throw new IllegalArgumentException("All series must have one length; series 0 has " + steps
                        + " steps, series " + s + " has " + (series[s] == null ? "none" : series[s].length));
            }
        }
        return steps;
    }
}
