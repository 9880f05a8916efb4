package org.deeprnn.analysis;

import java.util.Locale;
import java.util.Objects;

/**
 * A linear probe (notebook 4, "A look inside"): ridge regression from a layer's hidden
 * units to a known quantity, fitted on one set of rows (the training sequences) and scored by its
 * R^2 on another (the test sequences). R^2 near 1 means the quantity can be read off the layer with
 * a linear map, near 0 that a linear read-out does no better than predicting the mean; it can be
 * negative on the held-out rows.
 * <p>
 * The features are standardised with the fitting rows' means and standard deviations, so that the
 * ridge penalty treats all units alike; an intercept is fitted and not penalised. Units that are
 * constant on the fitting rows are ignored.
 */
public final class LinearProbe {
    private final double[] mean;
    private final double[] scale;
    private final double[] weights;
    private final double intercept;
    private final double ridge;

    private LinearProbe(double[] mean, double[] scale, double[] weights, double intercept, double ridge) {
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
        this.intercept = intercept;
        this.ridge = ridge;
    }

    /**
     * Fits {@code y ~ x w + b} by ridge regression on standardised columns of {@code x}.
     *
     * @param x     rows of features (every row the same length)
     * @param y     the quantity, one value per row
     * @param ridge the penalty on the squared weights, relative to the number of rows (0 = least squares)
     */
    public static LinearProbe fit(double[][] x, double[] y, double ridge) {
        int n = checkRows(x, y, "fit");
        int d = x[0].length;
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("ridge must be a finite number of at least 0, got " + ridge);
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                scale[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / n);
            scale[j] = sd > 1e-12 ? sd : 0; // a constant unit carries nothing; its weight stays 0
        }
        double yMean = 0;
        for (double v : y) {
            yMean += v;
        }
        yMean /= n;
        // normal equations on standardised, centred columns: (Z^T Z + ridge n I) w = Z^T (y - mean y)
        double[][] a = new double[d][d];
        double[] b = new double[d];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[j] = scale[j] == 0 ? 0 : (x[i][j] - mean[j]) / scale[j];
            }
            double yc = y[i] - yMean;
            for (int j = 0; j < d; j++) {
                if (z[j] == 0) {
                    continue;
                }
                b[j] += z[j] * yc;
                for (int k = 0; k <= j; k++) {
                    a[j][k] += z[j] * z[k];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                a[k][j] = a[j][k];
            }
            // constant columns get a unit diagonal so the system stays solvable; their right-hand side is 0
            a[j][j] += scale[j] == 0 ? 1 : ridge * n + 1e-9 * n;
        }
        double[] w = solveSymmetric(a, b);
        return new LinearProbe(mean, scale, w, yMean, ridge);
    }

    /** The probe's read-out for each row of {@code x}. */
    public double[] predict(double[][] x) {
        Objects.requireNonNull(x, "x");
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != weights.length) {
                throw new IllegalArgumentException("Row " + i + " has " + x[i].length + " features; the probe was fitted on "
                        + weights.length);
            }
            double s = intercept;
            for (int j = 0; j < weights.length; j++) {
                if (scale[j] != 0) {
                    s += weights[j] * (x[i][j] - mean[j]) / scale[j];
                }
            }
            out[i] = s;
        }
        return out;
    }

    /** R^2 of the read-out on these rows: 1 - (sum of squared errors) / (sum of squares around the mean of {@code y}). */
    public double r2(double[][] x, double[] y) {
        checkRows(x, y, "score");
        return rSquared(predict(x), y);
    }

    /** 1 - SSE / SST of {@code predicted} against {@code actual}. */
    public static double rSquared(double[] predicted, double[] actual) {
        if (predicted.length != actual.length || actual.length < 2) {
            throw new IllegalArgumentException("R^2 needs two arrays of the same length, at least 2; got "
                    + predicted.length + " and " + actual.length);
        }
        double mean = 0;
        for (double v : actual) {
            mean += v;
        }
        mean /= actual.length;
        double sse = 0, sst = 0;
        for (int i = 0; i < actual.length; i++) {
            sse += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            sst += (actual[i] - mean) * (actual[i] - mean);
        }
        if (sst == 0) {
            throw new IllegalArgumentException("The quantity is constant on these rows: R^2 is undefined");
        }
        return 1 - sse / sst;
    }

    public double ridge() {
        return ridge;
    }

    /** Number of features the probe reads. */
    public int inputs() {
        return weights.length;
    }

    private static int checkRows(double[][] x, double[] y, String what) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length) {
            throw new IllegalArgumentException("Cannot " + what + " a probe on " + x.length + " rows of features and "
                    + y.length + " values: one value per row");
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("A probe needs at least 2 rows, got " + x.length);
        }
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("The rows have no features");
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Row %d has %d features, row 0 has %d", i, x[i].length, d));
            }
        }
        return x.length;
    }

    /** Solves a x = b for a symmetric positive definite a by Cholesky decomposition. */
    private static double[] solveSymmetric(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int j = 0; j < d; j++) {
            double s = a[j][j];
            for (int k = 0; k < j; k++) {
                s -= l[j][k] * l[j][k];
            }
            if (!(s > 0)) {
                throw new IllegalStateException("The probe's normal equations are singular at unit " + j
                        + "; use a positive ridge penalty");
            }
            l[j][j] = Math.sqrt(s);
            for (int i = j + 1; i < d; i++) {
                double t = a[i][j];
                for (int k = 0; k < j; k++) {
                    t -= l[i][k] * l[j][k];
                }
                l[i][j] = t / l[j][j];
            }
        }
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < d; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }
}
