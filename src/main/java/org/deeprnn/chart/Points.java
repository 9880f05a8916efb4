package org.deeprnn.chart;

import java.awt.Color;
import java.util.Arrays;

/** A series' points in growable arrays; XChart always gets trimmed copies. */
final class Points {
    /** Set by {@code LineChart.styleAs}, from the series' position. */
    Color color;
    /** The palette position {@code color} came from. */
    int position;
    double[] xs = new double[0];
    double[] ys = new double[0];
    int size;

    void set(double[] x, double[] y) {
        xs = x.clone();
        ys = y.clone();
        size = x.length;
    }

    void append(double x, double y) {
        if (size == xs.length) {
            int capacity = Math.max(16, size * 2);
            xs = Arrays.copyOf(xs, capacity);
            ys = Arrays.copyOf(ys, capacity);
        }
        xs[size] = x;
        ys[size] = y;
        size++;
    }

    double[] x() {
        return Arrays.copyOf(xs, size);
    }

    double[] y() {
        return Arrays.copyOf(ys, size);
    }
}
