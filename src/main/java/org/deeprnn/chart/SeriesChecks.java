package org.deeprnn.chart;

import java.util.Objects;

/** What {@link LineChart} refuses to draw, each with the reason: unpaired, empty, non-finite or, on a log axis, non-positive values. */
final class SeriesChecks {
    private SeriesChecks() {
    }

    static void check(String name, double[] x, double[] y, boolean logY) {
        Objects.requireNonNull(x, "x of series '" + name + "'");
        Objects.requireNonNull(y, "y of series '" + name + "'");
        if (x.length != y.length) {
            throw new IllegalArgumentException("Series '" + name + "' has " + x.length + " x values but "
                    + y.length + " y values: they must pair up");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("Series '" + name + "' is empty: a line needs at least one point");
        }
        for (int i = 0; i < x.length; i++) {
            checkPoint(name, i, x[i], y[i], logY);
        }
    }

    /** Point {@code i} of series {@code name}. */
    static void checkPoint(String name, int i, double x, double y, boolean logY) {
        checkValue(name, "x", i, x);
        checkValue(name, "y", i, y);
        if (logY) {
            requirePositive(name, i, y);
        }
    }

    static void checkValue(String name, String axis, int i, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("Series '" + name + "' has " + axis + "[" + i + "] = " + v
                    + ": only finite values can be drawn");
        }
    }

    static void requirePositive(String name, int i, double y) {
        if (!(y > 0)) {
            throw new IllegalArgumentException("Series '" + name + "' has y[" + i + "] = " + y
                    + ", which a logarithmic y axis cannot show: only positive values can be drawn");
        }
    }

    static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A series needs a non-blank name, got " + (name == null ? "null" : "'" + name + "'"));
        }
    }
}
