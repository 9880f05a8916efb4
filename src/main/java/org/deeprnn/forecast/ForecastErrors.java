package org.deeprnn.forecast;

import java.util.Arrays;
import java.util.Objects;

/**
 * How far a {@link Forecaster}'s predictions fall from the truth on held-out series (notebook 4,
 * "Test error per depth"), as root mean squared errors in the series' own units:
 * one step ahead at every step from {@code warmup} on, and 1 to {@code horizon} steps ahead from
 * each of several forecast origins, where the forecaster runs on its own predictions.
 *
 * @param oneStep   RMSE of the one-step predictions
 * @param byHorizon {@code byHorizon[k]}: RMSE of the forecasts {@code k + 1} steps past the origin
 */
public record ForecastErrors(double oneStep, double[] byHorizon) {

    /**
     * @param series  whole series, one per row, all of one length n: the one-step predictions use
     *                steps 0..n-2 as input and are scored against steps {@code warmup + 1}..n-1
     * @param warmup  one-step predictions before this step are not scored (the state is still settling)
     * @param origins forecast origins o: the history is steps 0..o-1, the truth steps o..o+horizon-1
     * @param horizon how many steps each multi-step forecast runs
     */
    public static ForecastErrors measure(Forecaster forecaster, double[][] series, int warmup, int[] origins, int horizon) {
        Objects.requireNonNull(forecaster, "forecaster");
        int n = Forecaster.requireSameLength(series);
        if (warmup < 0 || warmup > n - 2) {
            throw new IllegalArgumentException("warmup must be between 0 and " + (n - 2) + " for series of " + n + " values, got " + warmup);
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 step, got " + horizon);
        }
        Objects.requireNonNull(origins, "origins");
        if (origins.length == 0) {
            throw new IllegalArgumentException("Give at least one forecast origin");
        }
        for (int o : origins) {
            if (o < 1 || o + horizon > n) {
                throw new IllegalArgumentException("Forecast origin " + o + " with horizon " + horizon + " does not fit series of "
                        + n + " values: origins must be between 1 and " + (n - horizon));
            }
        }
        double[][] inputs = new double[series.length][];
        for (int s = 0; s < series.length; s++) {
            inputs[s] = Arrays.copyOf(series[s], n - 1);
        }
        double[][] next = forecaster.oneStep(inputs);
        double sum = 0;
        long count = 0;
        for (int s = 0; s < series.length; s++) {
            for (int t = warmup; t < n - 1; t++) {
                double e = next[s][t] - series[s][t + 1];
                sum += e * e;
                count++;
            }
        }
        double oneStep = Math.sqrt(sum / count);

        double[] byHorizon = new double[horizon];
        for (int o : origins) {
            double[][] history = new double[series.length][];
            for (int s = 0; s < series.length; s++) {
                history[s] = Arrays.copyOf(series[s], o);
            }
            double[][] forecast = forecaster.multiStep(history, horizon);
            for (int s = 0; s < series.length; s++) {
                for (int k = 0; k < horizon; k++) {
                    double e = forecast[s][k] - series[s][o + k];
                    byHorizon[k] += e * e;
                }
            }
        }
        for (int k = 0; k < horizon; k++) {
            byHorizon[k] = Math.sqrt(byHorizon[k] / ((double) origins.length * series.length));
        }
        return new ForecastErrors(oneStep, byHorizon);
    }

    /** The number of steps the multi-step forecasts run. */
    public int horizon() {
        return byHorizon.length;
    }

    /** RMSE over all multi-step forecasts, 1 to {@link #horizon()} steps ahead together. */
    public double multiStep() {
        double sum = 0;
        for (double r : byHorizon) {
            sum += r * r;
        }
        return Math.sqrt(sum / byHorizon.length);
    }

    /** RMSE of the forecasts {@link #horizon()} steps ahead. */
    public double atHorizon() {
        return byHorizon[byHorizon.length - 1];
    }
}
