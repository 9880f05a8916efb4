package org.deeprnn.chart;

/** The tick labels of {@link LineChart}'s axes: whole numbers on an x axis of epochs, one number of decimals on a linear y axis. */
final class TickLabels {
    private TickLabels() {
    }

    /** y with exactly {@code decimals} decimals and thousands commas. */
    static String fixed(double y, int decimals) {
        return String.format(java.util.Locale.ROOT, "%,." + decimals + "f", y);
    }

    /**
     * The decimals every label of a linear axis spanning {@code span} gets, so that labels read alike ("0.090" beside
     * "0.100", never ".09" beside "0.1"): enough for a tick step of an eighth of the span, XChart's densest.
     */
    static int decimals(double span) {
        if (!(span > 0) || Double.isInfinite(span)) {
            return 1;
        }
        return Math.max(0, Math.min(8, (int) -Math.floor(Math.log10(span / 8))));
    }

    /** The label of an x tick on an axis of whole numbers: the number, or nothing between two. */
    static String wholeNumber(double x) {
        double r = Math.rint(x);
        return Math.abs(x - r) < 1e-9 * Math.max(1, Math.abs(x)) ? String.format("%,d", (long) r) : "";
    }
}
