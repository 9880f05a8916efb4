package org.deeprnn.analysis;

import java.util.Objects;

/**
 * The single hidden unit that follows a known quantity most closely (notebook 4, "A look
 * inside"): the largest absolute Pearson correlation between one column of a layer's hidden states
 * and the quantity. A complement to {@link LinearProbe}, which may combine many units.
 *
 * @param unit        the column of the strongest unit
 * @param correlation its correlation with the quantity (the sign says which way it tracks it)
 */
public record UnitCorrelation(int unit, double correlation) {

    /** The column of {@code x} whose correlation with {@code y} is largest in absolute value; constant columns are skipped. */
    public static UnitCorrelation strongest(double[][] x, double[] y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("Need at least 2 rows and one value per row; got " + x.length + " rows and "
                    + y.length + " values");
        }
        int n = x.length, d = x[0].length;
        double my = 0;
        for (double v : y) {
            my += v;
        }
        my /= n;
        double syy = 0;
        for (double v : y) {
            syy += (v - my) * (v - my);
        }
        if (syy == 0) {
            throw new IllegalArgumentException("The quantity is constant: no correlation is defined");
        }
        int best = -1;
        double bestR = 0;
        for (int j = 0; j < d; j++) {
            double mx = 0;
            for (double[] row : x) {
                mx += row[j];
            }
            mx /= n;
            double sxx = 0, sxy = 0;
            for (int i = 0; i < n; i++) {
                double c = x[i][j] - mx;
                sxx += c * c;
                sxy += c * (y[i] - my);
            }
            if (sxx <= 0) {
                continue;
            }
            double r = sxy / Math.sqrt(sxx * syy);
            if (best < 0 || Math.abs(r) > Math.abs(bestR)) {
                best = j;
                bestR = r;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("Every unit is constant on these rows: no correlation is defined");
        }
        return new UnitCorrelation(best, bestR);
    }
}
