package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.train.EpochResult;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One measurement per epoch over the seeds of a setting: the mean curve and the band from the lowest
 * to the highest seed, up to the first epoch at which some seed has no finite value.
 */
final class SeedCurves {
    private final double[] epochs;
    private final double[][] values;  // [seed][epoch]

    private SeedCurves(double[] epochs, double[][] values) {
        this.epochs = epochs;
        this.values = values;
    }

    static SeedCurves of(List<Comparison.Run> runs, ToDoubleFunction<EpochResult> measure) {
        int length = Integer.MAX_VALUE;
        double[][] values = new double[runs.size()][];
        for (int s = 0; s < runs.size(); s++) {
            List<EpochResult> epochs = runs.get(s).result().epochs();
            double[] v = new double[epochs.size()];
            int finite = 0;
            while (finite < v.length && Double.isFinite(v[finite] = measure.applyAsDouble(epochs.get(finite)))) {
                finite++;
            }
            values[s] = v;
            length = Math.min(length, finite);
        }
        double[] x = new double[length];
        List<EpochResult> first = runs.get(0).result().epochs();
        for (int e = 0; e < length; e++) {
            x[e] = first.get(e).epoch();
        }
        return new SeedCurves(x, values);
    }

    /** Adds the mean as series {@code name} and, for several seeds, its band; draws nothing if no epoch is finite. */
    void drawOn(LineChart chart, String name) {
        int n = epochs.length;
        if (n == 0) {
            return;
        }
        double[] mean = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int e = 0; e < n; e++) {
            lo[e] = Double.POSITIVE_INFINITY;
            hi[e] = Double.NEGATIVE_INFINITY;
            for (double[] seed : values) {
                mean[e] += seed[e] / values.length;
                lo[e] = Math.min(lo[e], seed[e]);
                hi[e] = Math.max(hi[e], seed[e]);
            }
        }
        chart.addSeries(name, epochs, mean);
        if (values.length > 1) {
            chart.addBand(name, epochs, lo, hi);
        }
    }
}
