package org.deeprnn.forecast;

/**
 * The naive baseline of notebook 4's results table: the next value, and every value after it, is
 * the last one seen. A model that cannot beat it has learned nothing useful about the series.
 */
public final class LastValueForecaster implements Forecaster {

    @Override
    public double[][] oneStep(double[][] series) {
        Forecaster.requireSameLength(series);
        double[][] out = new double[series.length][];
        for (int s = 0; s < series.length; s++) {
            out[s] = series[s].clone();
        }
        return out;
    }

    @Override
    public double[][] multiStep(double[][] history, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 step, got " + horizon);
        }
        int steps = Forecaster.requireSameLength(history);
        double[][] out = new double[history.length][horizon];
        for (int s = 0; s < history.length; s++) {
            java.util.Arrays.fill(out[s], history[s][steps - 1]);
        }
        return out;
    }
}
