package org.deeprnn.forecast;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

import java.util.Arrays;
import java.util.Objects;

/**
 * The linear baseline a forecaster would ask for (notebook 4): the next value as an intercept plus a weighted sum of
 * the last k values, y_t = c + a_1 y_{t-1} + ... + a_k y_{t-k}, fitted by least squares (Commons Math's OLS) on the
 * training series, with k chosen by the one-step error on separate tuning series ({@link #select}).
 *
 * <p>Before a series starts its first value stands in for the missing history, so the first k - 1 predictions of a
 * series rest on padding; leave them out of the score with {@link ForecastErrors#measure}'s warmup.
 */
public final class AutoregressiveForecaster implements Forecaster {
    private final double intercept;
    private final double[] coefficients;
    private final double[] tuningErrors;

    private AutoregressiveForecaster(double intercept, double[] coefficients, double[] tuningErrors) {
        this.intercept = intercept;
        this.coefficients = coefficients;
        this.tuningErrors = tuningErrors;
    }

    /**
     * Fits an order-{@code k} model on every window of k + 1 consecutive values of the training series.
     *
     * @throws IllegalArgumentException if k is below 1 or the series give fewer windows than the k + 1 parameters
     */
    public static AutoregressiveForecaster fit(double[][] training, int k) {
        return new AutoregressiveForecaster(0, new double[0], new double[0]).fitted(training, k, new double[0]);
    }

    /**
     * Fits orders 1 to {@code maxOrder} on the training series and keeps the one with the lowest one-step RMSE on the
     * tuning series (the smaller order on a tie). Every order is scored on the same steps, {@code maxOrder - 1} and
     * later, so padding never decides.
     */
    public static AutoregressiveForecaster select(double[][] training, double[][] tuning, int maxOrder) {
        requireOrder(maxOrder);
        int n = Forecaster.requireSameLength(Objects.requireNonNull(tuning, "tuning"));
        if (n < maxOrder + 1) {
            throw new IllegalArgumentException("Tuning series of " + n + " values leave nothing to score orders up to "
                    + maxOrder + "; give series of at least " + (maxOrder + 1) + " values or a lower maxOrder");
        }
        double[] errors = new double[maxOrder];
        AutoregressiveForecaster best = null;
        for (int k = 1; k <= maxOrder; k++) {
            AutoregressiveForecaster candidate = fit(training, k);
            errors[k - 1] = ForecastErrors.measure(candidate, tuning, maxOrder - 1, new int[]{n - 1}, 1).oneStep();
            if (best == null || errors[k - 1] < errors[best.order() - 1]) {
                best = candidate;
            }
        }
        return best.fitted(training, best.order(), errors);
    }

    private AutoregressiveForecaster fitted(double[][] training, int k, double[] errors) {
        requireOrder(k);
        int n = Forecaster.requireSameLength(Objects.requireNonNull(training, "training"));
        int rows = training.length * Math.max(0, n - k);
        if (rows < k + 1) {
            throw new IllegalArgumentException("Order " + k + " needs at least " + (k + 1) + " windows of " + (k + 1)
                    + " values to fit its " + (k + 1) + " parameters; the training series give " + rows);
        }
        double[] y = new double[rows];
        double[][] x = new double[rows][k];
        int r = 0;
        for (double[] s : training) {
            for (int t = k; t < n; t++, r++) {
                y[r] = s[t];
                for (int i = 0; i < k; i++) {
                    x[r][i] = s[t - 1 - i];
                }
            }
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(y, x);
        double[] beta = ols.estimateRegressionParameters();
        return new AutoregressiveForecaster(beta[0], Arrays.copyOfRange(beta, 1, beta.length), errors.clone());
    }

    private static void requireOrder(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("The order k (how many past values the model reads) must be at least 1, got " + k);
        }
    }

    /** k, the number of past values the model reads. */
    public int order() {
        return coefficients.length;
    }

    public double intercept() {
        return intercept;
    }

    /** a_1..a_k: {@code coefficients()[i]} weighs the value i + 1 steps back. */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** The tuning one-step RMSE of orders 1..maxOrder when the model came from {@link #select}; empty after {@link #fit}. */
    public double[] tuningErrors() {
        return tuningErrors.clone();
    }

    private double next(double[] history, int end) {
        double v = intercept;
        for (int i = 0; i < coefficients.length; i++) {
            v += coefficients[i] * history[Math.max(0, end - 1 - i)];
        }
        return v;
    }

    @Override
    public double[][] oneStep(double[][] series) {
        int n = Forecaster.requireSameLength(series);
        double[][] out = new double[series.length][n];
        for (int s = 0; s < series.length; s++) {
            for (int t = 0; t < n; t++) {
                out[s][t] = next(series[s], t + 1);
            }
        }
        return out;
    }

    @Override
    public double[][] multiStep(double[][] history, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 step, got " + horizon);
        }
        int n = Forecaster.requireSameLength(history);
        double[][] out = new double[history.length][horizon];
        for (int s = 0; s < history.length; s++) {
            double[] extended = Arrays.copyOf(history[s], n + horizon);
            for (int k = 0; k < horizon; k++) {
                extended[n + k] = next(extended, n + k);
                out[s][k] = extended[n + k];
            }
        }
        return out;
    }
}
