package org.deeprnn.chart;

import org.deeprnn.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A line chart of named series (perplexity or loss against epochs, time per step against depth),
 * drawn with XChart and returned as an image the notebooks display or as a PNG file (the training
 * curves of notebook 3, "Training", and the measurements of notebook 2, "What depth costs: parameters and work per step").
 * Points can be appended one at a time, so a trainer can extend a live plot once per epoch.
 *
 * <p>Only finite values are drawn; on a logarithmic y axis only positive ones. Methods are
 * synchronized so a training thread may append while a notebook thread renders.
 *
 * <p>So that a chart reads without a second look: the legend sits right of the plot; an x axis whose values are all whole
 * numbers (epochs, layers) gets labels at whole numbers only; a logarithmic y axis over a decade or
 * more is labelled at powers of ten only; series beyond the ten colours of {@link #PALETTE} repeat
 * the colours with dashed, then dotted lines.
 */
public final class LineChart {
    public static final int DEFAULT_WIDTH = 640;
    public static final int DEFAULT_HEIGHT = 400;

    /** Series colours, in the order series are added: the well-known "tab10" palette. */
    public static final List<Color> PALETTE = List.of(
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf));

    /** Series with at most this many points are drawn with a marker on every point, so a single point shows. */
    public static final int MARKED_POINTS_LIMIT = 30;

    private static final Color GRID = new Color(0xe5e5e5);
    private static final Color TEXT = new Color(0x333333);
    private static final Color BASELINE = new Color(0x555555);

    private final XYChart chart;
    private final Map<String, Points> series = new LinkedHashMap<>();
    private final Map<String, double[][]> bands = new LinkedHashMap<>();
    private final Map<String, Double> baselines = new LinkedHashMap<>();
    private boolean logY;

    /** A chart of {@value #DEFAULT_WIDTH} x {@value #DEFAULT_HEIGHT} pixels. */
    public LineChart(String title, String xAxisTitle, String yAxisTitle) {
        this(title, xAxisTitle, yAxisTitle, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public LineChart(String title, String xAxisTitle, String yAxisTitle, int width, int height) {
        if (width < 50 || height < 50) {
            throw new IllegalArgumentException("A chart needs at least 50 x 50 pixels, got " + width + " x " + height);
        }
        chart = new XYChart(width, height);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle(xAxisTitle == null ? "" : xAxisTitle);
        chart.setYAxisTitle(yAxisTitle == null ? "" : yAxisTitle);
        style(chart.getStyler(), title != null && !title.isEmpty());
    }

    private static void style(XYStyler s, boolean titled) {
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setChartTitleVisible(titled);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setPlotGridVerticalLinesVisible(false);
        s.setAxisTicksLineVisible(false);
        s.setPlotTicksMarksVisible(false);
        s.setAxisTickMarksColor(GRID);
        s.setChartFontColor(TEXT);
        s.setAxisTickLabelsColor(TEXT);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(GRID);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setLegendVisible(false);
        s.setMarkerSize(6);
        s.setToolTipsEnabled(false);
        s.setChartPadding(12);
        s.setAntiAlias(true);
    }

    /**
     * Adds a series of points (x[i], y[i]).
     *
     * @throws IllegalArgumentException if the name is taken, the arrays are empty or differ in
     *                                  length, or a value cannot be drawn
     */
    public synchronized LineChart addSeries(String name, double[] x, double[] y) {
        requireName(name);
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("The chart already has a series named '" + name
                    + "': pick another name, or replace its points with update()");
        }
        check(name, x, y);
        Points p = new Points();
        p.set(x, y);
        series.put(name, p);
        chart.addSeries(name, p.x(), p.y()).setMarker(p.size <= MARKED_POINTS_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        chart.getStyler().setLegendVisible(series.size() + baselines.size() > 1);
        return styleAs(name, series.size() - 1);
    }

    /**
     * Shades the region between {@code lo} and {@code hi} (for example the lowest and highest value
     * over seeds) in the translucent colour of an existing series; the band has no legend entry.
     *
     * @throws IllegalArgumentException if the series does not exist, already has a band, the arrays
     *                                  do not pair up, a value cannot be drawn or lo exceeds hi
     */
    public synchronized LineChart addBand(String seriesName, double[] x, double[] lo, double[] hi) {
        Points p = existing(seriesName);
        String bandName = bandName(seriesName);
        if (bands.containsKey(bandName)) {
            throw new IllegalArgumentException("Series '" + seriesName + "' already has a band");
        }
        check(bandName, x, lo);
        check(bandName, x, hi);
        for (int i = 0; i < x.length; i++) {
            if (lo[i] > hi[i]) {
                throw new IllegalArgumentException("Band of '" + seriesName + "' has lo[" + i + "] = " + lo[i]
                        + " above hi[" + i + "] = " + hi[i]);
            }
        }
        int n = x.length;
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = x[i];
            py[i] = hi[i];
            px[2 * n - 1 - i] = x[i];
            py[2 * n - 1 - i] = lo[i];
        }
        bands.put(bandName, new double[][]{px, py});
        XYSeries line = chart.removeSeries(seriesName);
        XYSeries band = chart.addSeries(bandName, px, py);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(bandFill(p.color));
        band.setLineColor(new Color(0, 0, 0, 0));
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
        chart.getSeriesMap().put(seriesName, line);  // drawn after (over) its band
        return this;
    }

    /**
     * A horizontal dashed grey line at {@code y} across the whole x range, with a legend entry: a level the series
     * are read against (a baseline's error, the character-frequency plateau).
     *
     * @throws IllegalArgumentException if the name is taken or y cannot be drawn
     */
    public synchronized LineChart baseline(String name, double y) {
        requireName(name);
        if (series.containsKey(name) || baselines.containsKey(name)) {
            throw new IllegalArgumentException("The chart already has a series or baseline named '" + name + "'");
        }
        SeriesChecks.checkPoint(name, 0, 0, y, logY);
        baselines.put(name, y);
        chart.getStyler().setLegendVisible(series.size() + baselines.size() > 1);
        return this;
    }

    /** Draws the baselines across the x range of the series, once that range is known. */
    private void drawBaselines() {
        double[] xs = series.values().stream().flatMapToDouble(p -> java.util.Arrays.stream(p.x())).toArray();
        double lo = java.util.Arrays.stream(xs).min().orElseThrow();
        double hi = java.util.Arrays.stream(xs).max().orElseThrow();
        for (Map.Entry<String, Double> b : baselines.entrySet()) {
            double[] x = {lo, hi};
            double[] y = {b.getValue(), b.getValue()};
            XYSeries line = chart.getSeriesMap().containsKey(b.getKey()) ? chart.updateXYSeries(b.getKey(), x, y, null)
                    : chart.addSeries(b.getKey(), x, y);
            line.setLineColor(BASELINE);
            line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{7f, 5f}, 0f));
            line.setMarker(SeriesMarkers.NONE);
        }
    }

    /** Fixes the y axis to [min, max] (for panels that share a scale); null for either end lets XChart choose. */
    public synchronized LineChart yRange(Double min, Double max) {
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max);
        return this;
    }

    /** The smallest and largest y of every series and band (positive ones only on a log axis). */
    synchronized double[] yExtent() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<double[]> ys = new ArrayList<>();
        series.values().forEach(p -> ys.add(p.y()));
        bands.values().forEach(b -> ys.add(b[1]));
        ys.add(baselines.values().stream().mapToDouble(Double::doubleValue).toArray());
        for (double[] y : ys) {
            for (double v : y) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return new double[]{lo, hi};
    }

    /** Adds a series of y values against epochs 1, 2, ..., y.length. */
    public synchronized LineChart addSeries(String name, double[] y) {
        Objects.requireNonNull(y, "y");
        return addSeries(name, epochs(1, y.length), y);
    }

    /** Replaces all points of an existing series. */
    public synchronized LineChart update(String name, double[] x, double[] y) {
        Points p = existing(name);
        check(name, x, y);
        p.set(x, y);
        sync(name, p);
        return this;
    }

    /**
     * Appends the point (x, y) to a series, creating the series if it does not exist yet: what a
     * trainer calls after every epoch. Costs one copy of the series' points, not a redraw.
     */
    public synchronized LineChart append(String name, double x, double y) {
        requireName(name);
        Points p = series.get(name);
        if (p == null) {
            return addSeries(name, new double[]{x}, new double[]{y});
        }
        SeriesChecks.checkPoint(name, p.size, x, y, logY);
        p.append(x, y);
        sync(name, p);
        return this;
    }

    /** Appends y at the next epoch: 1 for a new series, one past the last x otherwise. */
    public synchronized LineChart append(String name, double y) {
        requireName(name);
        Points p = series.get(name);
        return append(name, p == null ? 1 : p.xs[p.size - 1] + 1, y);
    }

    /**
     * Draws the y axis on a logarithmic scale (or back on a linear one).
     *
     * @throws IllegalArgumentException if a series already holds a value that is not positive
     */
    public synchronized LineChart logY(boolean logarithmic) {
        if (logarithmic) {
            for (Map.Entry<String, Points> e : series.entrySet()) {
                Points p = e.getValue();
                for (int i = 0; i < p.size; i++) {
                    SeriesChecks.requirePositive(e.getKey(), i, p.ys[i]);
                }
            }
        }
        logY = logarithmic;
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        return this;
    }

    public synchronized boolean isLogY() {
        return logY;
    }

    public synchronized List<String> seriesNames() {
        return new ArrayList<>(series.keySet());
    }

    /** The number of points of a series. */
    public synchronized int size(String name) {
        return existing(name).size;
    }

    /**
     * Draws series {@code name}, and its band, in the colour and line style that the series at {@code position}
     * (counted from 0) gets, so that a setting keeps its look in every panel of a figure, whichever panels it is in.
     *
     * @throws IllegalArgumentException if there is no such series or the position is negative
     */
    public synchronized LineChart styleAs(String name, int position) {
        Points p = existing(name);
        if (position < 0) {
            throw new IllegalArgumentException("A series position counts from 0, got " + position);
        }
        p.color = PALETTE.get(position % PALETTE.size());
        p.position = position;
        XYSeries s = chart.getSeriesMap().get(name);
        s.setLineColor(p.color);
        s.setMarkerColor(p.color);
        s.setLineStyle(stroke(position / PALETTE.size()));
        XYSeries band = chart.getSeriesMap().get(bandName(name));
        if (band != null) {
            band.setFillColor(bandFill(p.color));
        }
        return this;
    }

    private static String bandName(String seriesName) {
        return seriesName + " (band)";
    }

    /** A band's fill: its series' colour, translucent. */
    private static Color bandFill(Color series) {
        return new Color(series.getRed(), series.getGreen(), series.getBlue(), 72);
    }

    /** The palette position the series takes its colour and line style from (see {@link #styleAs}). */
    synchronized int position(String name) {
        return existing(name).position;
    }

    /** Puts the legend under the plot instead of beside it (for panels side by side in a {@link ChartGrid}). */
    synchronized void legendBelow() {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    /** The colour the series is drawn in. */
    public synchronized Color color(String name) {
        return existing(name).color;
    }

    public int width() {
        return chart.getWidth();
    }

    public int height() {
        return chart.getHeight();
    }

    /**
     * The chart as an RGB image of {@link #width()} x {@link #height()} pixels; a notebook shows it
     * when it is the value of a cell.
     *
     * @throws IllegalStateException if there is no series yet
     */
    public synchronized BufferedImage toImage() {
        if (series.isEmpty()) {
            throw new IllegalStateException("The chart '" + chart.getTitle() + "' has no series yet: add one before drawing it");
        }
        widenXRangeSlightly();
        drawBaselines();
        labelAxes();
        fitTitle();
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** XChart cuts off a title wider than the plot (which a legend beside it narrows): such a title gets a smaller font, down to 10 points. */
    private void fitTitle() {
        XYStyler s = chart.getStyler();
        String title = chart.getTitle();
        if (title.isEmpty()) {
            return;
        }
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            int legend = 0;
            if (series.size() > 1 && s.getLegendPosition() == Styler.LegendPosition.OutsideE) {
                FontMetrics lm = g.getFontMetrics(s.getLegendFont());
                for (String name : series.keySet()) {
                    legend = Math.max(legend, lm.stringWidth(name));
                }
                legend += 60;  // swatch, padding and the gap to the plot
            }
            int room = chart.getWidth() - legend - 90;  // the y axis' labels and title
            float size = 15;
            while (size > 10 && g.getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size))).stringWidth(title) > room) {
                size--;
            }
            s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size)));
        } finally {
            g.dispose();
        }
    }

    /** Solid lines for the first ten series, dashed for the next ten, dotted after that. */
    private static BasicStroke stroke(int lap) {
        float[] dash = switch (lap) {
            case 0 -> null;
            case 1 -> new float[]{9f, 5f};
            default -> new float[]{2f, 4f};
        };
        return new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    private void labelAxes() {
        boolean wholeX = true;
        for (Points p : series.values()) {
            for (int i = 0; i < p.size; i++) {
                wholeX &= p.xs[i] == Math.rint(p.xs[i]);
            }
        }
        double[] extent = yExtent();
        XYStyler st = chart.getStyler();
        double minY = st.getYAxisMin() != null ? st.getYAxisMin() : extent[0];
        double maxY = st.getYAxisMax() != null ? st.getYAxisMax() : extent[1];
        chart.setCustomXAxisTickLabelsFormatter(wholeX ? TickLabels::wholeNumber : null);
        boolean decades = logY && maxY >= 10 * minY;
        chart.getStyler().setYAxisLogarithmicDecadeOnly(decades);
        // XChart's custom label formatters do not work on logarithmic axes, so a decimal pattern
        chart.getStyler().setYAxisDecimalPattern(decades && (maxY > 1e4 || minY < 1e-2) ? "0E0" : logY && !decades ? "#,##0.#" : null);
        int decimals = TickLabels.decimals(maxY - minY);
        chart.setCustomYAxisTickLabelsFormatter(logY ? null : y -> TickLabels.fixed(y, decimals));
    }

    /**
     * XChart puts a tick at data points when the x values are equally spaced (epochs 1..n), and
     * with hundreds of points the labels then run into each other. Starting the axis a hair before
     * the first point makes it choose round tick values (0, 100, 200, ...) instead.
     */
    private void widenXRangeSlightly() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Points p : series.values()) {
            for (double x : p.x()) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        double span = max - min;
        chart.getStyler().setXAxisMin(span > 0 ? min - 1e-3 * span : null);
    }

    /**
     * Writes the chart as a PNG file. The image goes to a temporary file in the same folder first
     * and replaces {@code file} by a rename, so readers never see a half-written file and a failure
     * leaves any previous file untouched. Missing parent folders are created.
     *
     * @return {@code file}
     */
    public Path savePng(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        BufferedImage image = toImage();
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("No PNG writer is available in this Java runtime");
            }
        });
        return file;
    }

    /** The underlying XChart chart, for styling this class does not offer. Series data must go through this class. */
    public XYChart xchart() {
        return chart;
    }

    private void sync(String name, Points p) {
        XYSeries s = chart.updateXYSeries(name, p.x(), p.y(), null);
        s.setMarker(p.size <= MARKED_POINTS_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private Points existing(String name) {
        requireName(name);
        Points p = series.get(name);
        if (p == null) {
            throw new IllegalArgumentException("The chart has no series named '" + name + "'; it has " + series.keySet());
        }
        return p;
    }

    private void check(String name, double[] x, double[] y) {
        SeriesChecks.check(name, x, y, logY);
    }

    private static void requireName(String name) {
        SeriesChecks.requireName(name);
    }

    private static double[] epochs(int first, int count) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = first + i;
        }
        return x;
    }
}
