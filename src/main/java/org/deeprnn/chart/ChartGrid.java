package org.deeprnn.chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Small multiples: several line charts tiled row by row into one image, so a comparison of many
 * series reads as a few panels of a handful each; with {@link #sharedY(boolean)} every panel gets
 * the same y range, so heights compare across panels. A series name that occurs in several panels is
 * drawn in the colour it has in the first of them, and panels side by side put their legends under
 * their plots, where a legend cannot be read as belonging to the panel to its right.
 */
public final class ChartGrid {
    private final int columns;
    private final List<LineChart> charts;
    private boolean sharedY;

    private ChartGrid(int columns, List<LineChart> charts) {
        this.columns = columns;
        this.charts = charts;
    }

    /**
     * @throws IllegalArgumentException if there are no charts or fewer than one column
     */
    public static ChartGrid of(int columns, LineChart... charts) {
        Objects.requireNonNull(charts, "charts");
        if (columns < 1) {
            throw new IllegalArgumentException("A grid needs at least one column, got " + columns);
        }
        if (charts.length == 0) {
            throw new IllegalArgumentException("A grid needs at least one chart");
        }
        for (int i = 0; i < charts.length; i++) {
            Objects.requireNonNull(charts[i], "chart " + i);
        }
        return new ChartGrid(columns, List.of(charts));
    }

    /** Gives every panel the y range that holds all of their data (on by choice, off by default). */
    public ChartGrid sharedY(boolean shared) {
        this.sharedY = shared;
        return this;
    }

    /** The panels as one image: each at its own size, in cells as large as the largest panel. */
    public BufferedImage toImage() {
        Map<String, Integer> firstPosition = new HashMap<>();
        for (LineChart c : charts) {
            for (String name : c.seriesNames()) {
                Integer first = firstPosition.putIfAbsent(name, c.position(name));
                if (first != null && first != c.position(name)) {
                    c.styleAs(name, first);
                }
            }
        }
        if (columns > 1 && charts.size() > 1) {
            charts.forEach(LineChart::legendBelow);
        }
        if (sharedY) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (LineChart c : charts) {
                double[] e = c.yExtent();
                lo = Math.min(lo, e[0]);
                hi = Math.max(hi, e[1]);
            }
            boolean anyLog = charts.stream().anyMatch(LineChart::isLogY);
            double pad = anyLog ? 1 : 0.04 * (hi - lo);
            for (LineChart c : charts) {
                c.yRange(c.isLogY() ? lo : lo - pad, c.isLogY() ? hi : hi + pad);
            }
        }
        int cellWidth = charts.stream().mapToInt(LineChart::width).max().orElseThrow();
        int cellHeight = charts.stream().mapToInt(LineChart::height).max().orElseThrow();
        int rows = (charts.size() + columns - 1) / columns;
        int cols = Math.min(columns, charts.size());
        BufferedImage grid = new BufferedImage(cols * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(charts.get(i).toImage(), (i % columns) * cellWidth, (i / columns) * cellHeight, null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }
}
