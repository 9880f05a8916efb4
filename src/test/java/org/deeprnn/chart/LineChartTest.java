package org.deeprnn.chart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineChartTest {

    private static double[] range(int from, int to) {
        double[] v = new double[to - from + 1];
        for (int i = 0; i < v.length; i++) {
            v[i] = from + i;
        }
        return v;
    }

    private static boolean near(int rgb, Color c) {
        Color p = new Color(rgb);
        return Math.abs(p.getRed() - c.getRed()) <= 24 && Math.abs(p.getGreen() - c.getGreen()) <= 24
                && Math.abs(p.getBlue() - c.getBlue()) <= 24;
    }

    /** Number of pixel columns in which the colour occurs: a drawn line spans most of the width, a legend swatch does not. */
    private static int columnsWith(BufferedImage image, Color c) {
        int columns = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if (near(image.getRGB(x, y), c)) {
                    columns++;
                    break;
                }
            }
        }
        return columns;
    }

    private static LineChart perplexity() {
        return new LineChart("Perplexity", "epoch", "perplexity")
                .addSeries("train", new double[]{20, 12, 8, 6, 5, 4.5, 4.2, 4.0, 3.9, 3.85});
    }

    @Test
    void rendersAtTheDefaultSize() {
        BufferedImage image = perplexity().toImage();
        assertEquals(LineChart.DEFAULT_WIDTH, image.getWidth());
        assertEquals(LineChart.DEFAULT_HEIGHT, image.getHeight());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
    }

    @Test
    void rendersAtAChosenSize() {
        LineChart chart = new LineChart("t", "x", "y", 300, 200).addSeries("a", range(1, 5));
        BufferedImage image = chart.toImage();
        assertEquals(300, image.getWidth());
        assertEquals(200, image.getHeight());
    }

    @Test
    void theSeriesIsDrawnInItsColour() {
        LineChart chart = perplexity();
        Color colour = chart.color("train");
        assertEquals(LineChart.PALETTE.get(0), colour);
        BufferedImage image = chart.toImage();
        int first = image.getRGB(0, 0);
        boolean uniform = true;
        for (int x = 0; x < image.getWidth() && uniform; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if (image.getRGB(x, y) != first) {
                    uniform = false;
                    break;
                }
            }
        }
        assertFalse(uniform, "the image is a single colour");
        int columns = columnsWith(image, colour);
        assertTrue(columns > image.getWidth() / 2, "the series colour is in only " + columns + " columns");
    }

    @Test
    void twoSeriesGetTwoColoursAndBothAreDrawn() {
        LineChart chart = perplexity().addSeries("validation", new double[]{22, 14, 10, 8, 7, 6.5, 6.2, 6.1, 6.0, 6.0});
        assertEquals(List.of("train", "validation"), chart.seriesNames());
        assertNotEquals(chart.color("train"), chart.color("validation"));
        BufferedImage image = chart.toImage();
        assertTrue(columnsWith(image, chart.color("train")) > image.getWidth() / 2);
        assertTrue(columnsWith(image, chart.color("validation")) > image.getWidth() / 2);
    }

    @Test
    void savesAPngThatDecodesToTheSameSize(@TempDir Path dir) throws IOException {
        LineChart chart = perplexity();
        Path file = dir.resolve("plots/perplexity.png");
        assertEquals(file, chart.savePng(file));
        BufferedImage decoded = ImageIO.read(file.toFile());
        assertEquals(640, decoded.getWidth());
        assertEquals(400, decoded.getHeight());
        assertTrue(columnsWith(decoded, chart.color("train")) > 320);

        chart.append("train", 3.8);
        long before = Files.size(file);
        chart.savePng(file);
        assertTrue(Files.size(file) > 0 && before > 0);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList(),
                    "only the PNG is left, no temporary file");
        }
    }

    @Test
    void aFailedSaveLeavesNoTemporaryFileBehind(@TempDir Path dir) throws IOException {
        Path occupied = dir.resolve("chart.png");
        Files.createDirectories(occupied.resolve("inside"));
        assertThrows(IOException.class, () -> perplexity().savePng(occupied));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("chart.png"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(Files.isDirectory(occupied.resolve("inside")));
    }

    @Test
    void appendGrowsASeriesOnePointAtATime() {
        LineChart chart = new LineChart("Live", "epoch", "perplexity");
        chart.append("train", 17.0);
        assertEquals(1, chart.size("train"));
        BufferedImage single = chart.toImage();
        assertTrue(columnsWith(single, chart.color("train")) > 0, "a single point is visible");
        for (int epoch = 2; epoch <= 40; epoch++) {
            chart.append("train", 17.0 / epoch);
            chart.toImage();
        }
        chart.append("validation", 1, 18.0);
        assertEquals(40, chart.size("train"));
        assertEquals(1, chart.size("validation"));
        assertEquals(List.of("train", "validation"), chart.seriesNames());
        BufferedImage image = chart.toImage();
        assertTrue(columnsWith(image, chart.color("train")) > image.getWidth() / 2);
    }

    @Test
    void appendWithoutXContinuesAfterTheLastX() {
        LineChart chart = new LineChart("t", "x", "y").addSeries("s", new double[]{5, 6}, new double[]{1, 2});
        chart.append("s", 3.0);
        assertEquals(3, chart.size("s"));
        double[] x = chart.xchart().getSeriesMap().get("s").getXData();
        assertArrayEquals(new double[]{5, 6, 7}, x);
    }

    @Test
    void updateReplacesThePoints() {
        LineChart chart = perplexity();
        chart.update("train", range(1, 3), new double[]{3, 2, 1});
        assertEquals(3, chart.size("train"));
        assertArrayEquals(new double[]{3, 2, 1}, chart.xchart().getSeriesMap().get("train").getYData());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> chart.update("test", range(1, 2), range(1, 2)));
        assertTrue(unknown.getMessage().contains("'test'") && unknown.getMessage().contains("train"), unknown.getMessage());
    }

    @Test
    void logarithmicAxisAcceptsOnlyPositiveValues() {
        LineChart chart = perplexity().logY(true);
        assertTrue(chart.isLogY());
        assertEquals(640, chart.toImage().getWidth());

        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> chart.addSeries("loss", new double[]{1.0, 0.0, 2.0}));
        assertTrue(add.getMessage().contains("y[1] = 0.0") && add.getMessage().contains("logarithmic"), add.getMessage());
        assertThrows(IllegalArgumentException.class, () -> chart.append("train", -1.0));
        assertEquals(List.of("train"), chart.seriesNames());
        assertEquals(10, chart.size("train"));

        LineChart linear = new LineChart("t", "x", "y").addSeries("s", new double[]{1, -2});
        IllegalArgumentException toLog = assertThrows(IllegalArgumentException.class, () -> linear.logY(true));
        assertTrue(toLog.getMessage().contains("'s'") && toLog.getMessage().contains("-2.0"), toLog.getMessage());
        assertFalse(linear.isLogY());
    }

    @Test
    void badSeriesAreRejectedWithClearMessages() {
        LineChart chart = perplexity();
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> chart.addSeries("v", range(1, 3), range(1, 4)));
        assertTrue(mismatch.getMessage().contains("3 x values but 4 y values"), mismatch.getMessage());

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> chart.addSeries("v", new double[0]));
        assertTrue(empty.getMessage().contains("'v' is empty"), empty.getMessage());

        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> chart.addSeries("train", range(1, 3)));
        assertTrue(duplicate.getMessage().contains("already has a series named 'train'"), duplicate.getMessage());

        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> chart.addSeries("v", new double[]{1, Double.NaN}));
        assertTrue(nan.getMessage().contains("y[1] = NaN"), nan.getMessage());

        assertThrows(IllegalArgumentException.class, () -> chart.addSeries(" ", range(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y", 10, 400));
        assertEquals(List.of("train"), chart.seriesNames());
    }

    @Test
    void anEmptyChartCannotBeDrawn() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LineChart("Nothing yet", "x", "y").toImage());
        assertTrue(e.getMessage().contains("no series"), e.getMessage());
    }

    @Test
    void wholeNumberAxesAreLabelledAtWholeNumbersOnly() {
        assertEquals("3", TickLabels.wholeNumber(3.0));
        assertEquals("1,000", TickLabels.wholeNumber(1000.0));
        assertEquals("", TickLabels.wholeNumber(2.5));
        assertEquals("", TickLabels.wholeNumber(4.75));
    }

    @Test
    void aLogAxisOverSeveralDecadesShowsDecadesOnly() {
        LineChart wide = new LineChart("t", "epoch", "norm").logY(true).addSeries("a", new double[]{1e-3, 1, 1e5});
        wide.toImage();
        assertTrue(wide.xchart().getStyler().isYAxisLogarithmicDecadeOnly());
        LineChart narrow = new LineChart("t", "epoch", "perplexity").logY(true).addSeries("a", new double[]{26, 20, 17});
        narrow.toImage();
        assertFalse(narrow.xchart().getStyler().isYAxisLogarithmicDecadeOnly(),
                "within one decade there would be no power of ten to label");
    }

    @Test
    void theLegendStaysOutsideThePlot() {
        LineChart chart = new LineChart("t", "epoch", "y");
        chart.addSeries("a", range(1, 4)).addSeries("b", range(1, 4));
        chart.toImage();
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.OutsideE, chart.xchart().getStyler().getLegendPosition());
    }

    @Test
    void seriesBeyondThePaletteAreDashed() {
        LineChart chart = new LineChart("t", "epoch", "y");
        int n = LineChart.PALETTE.size();
        for (int i = 0; i < n + 1; i++) {
            chart.addSeries("s" + i, range(1, 4));
        }
        assertEquals(null, chart.xchart().getSeriesMap().get("s0").getLineStyle().getDashArray());
        assertEquals(null, chart.xchart().getSeriesMap().get("s" + (n - 1)).getLineStyle().getDashArray());
        assertNotEquals(null, chart.xchart().getSeriesMap().get("s" + n).getLineStyle().getDashArray());
        assertEquals(chart.color("s0"), chart.color("s" + n), "the eleventh series reuses the first colour, dashed");
    }

    @Test
    void aBandIsShadedInItsSeriesColourBehindTheLineAndOutOfTheLegend() {
        LineChart chart = new LineChart("band", "epoch", "perplexity");
        double[] x = {1, 2, 3, 4};
        chart.addSeries("mean", x, new double[]{10, 8, 6, 5});
        chart.addBand("mean", x, new double[]{2, 2, 2, 2}, new double[]{18, 18, 18, 18});
        assertEquals(List.of("mean"), chart.seriesNames());
        java.util.List<String> drawOrder = new java.util.ArrayList<>(chart.xchart().getSeriesMap().keySet());
        assertEquals(List.of("mean (band)", "mean"), drawOrder, "the band first, the line over it");
        assertFalse(chart.xchart().getSeriesMap().get("mean (band)").isShowInLegend());
        BufferedImage image = chart.toImage();
        // the band is the series colour at alpha 72 over white
        Color c = chart.color("mean");
        double a = 72 / 255.0;
        int[] tint = {(int) Math.round(255 + (c.getRed() - 255) * a), (int) Math.round(255 + (c.getGreen() - 255) * a),
                (int) Math.round(255 + (c.getBlue() - 255) * a)};
        int tinted = 0;
        for (int px = 0; px < image.getWidth(); px++) {
            for (int py = 0; py < image.getHeight(); py++) {
                Color p = new Color(image.getRGB(px, py));
                if (Math.abs(p.getRed() - tint[0]) <= 3 && Math.abs(p.getGreen() - tint[1]) <= 3 && Math.abs(p.getBlue() - tint[2]) <= 3) {
                    tinted++;
                }
            }
        }
        assertTrue(tinted > image.getWidth() * image.getHeight() / 4, "only " + tinted + " pixels carry the band's tint");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> chart.addBand("nope", x, x, x));
        assertTrue(e.getMessage().contains("no series named 'nope'"), e.getMessage());
        LineChart other = new LineChart("b", "x", "y").addSeries("s", x, x);
        e = assertThrows(IllegalArgumentException.class, () -> other.addBand("s", x, new double[]{2, 2, 2, 2}, new double[]{1, 1, 1, 1}));
        assertTrue(e.getMessage().contains("above hi[0]"), e.getMessage());
    }

    @Test
    void styleAsGivesASeriesAndItsBandTheLookOfAnotherPosition() {
        double[] x = {1, 2, 3, 4};
        LineChart chart = new LineChart("panel", "epoch", "perplexity").addSeries("only", x, new double[]{9, 7, 6, 5})
                .addBand("only", x, new double[]{8, 6, 5, 4}, new double[]{10, 8, 7, 6}).styleAs("only", 1);
        assertEquals(LineChart.PALETTE.get(1), chart.color("only"));
        assertEquals(LineChart.PALETTE.get(1), chart.xchart().getSeriesMap().get("only").getLineColor());
        Color fill = chart.xchart().getSeriesMap().get("only (band)").getFillColor();
        assertEquals(List.of(LineChart.PALETTE.get(1).getRGB() & 0xffffff, 72), List.of(fill.getRGB() & 0xffffff, fill.getAlpha()));
        BufferedImage image = chart.toImage();
        assertTrue(columnsWith(image, LineChart.PALETTE.get(1)) > image.getWidth() / 2);
        assertEquals(0, columnsWith(image, LineChart.PALETTE.get(0)), "the first position's colour is gone");
        chart.styleAs("only", LineChart.PALETTE.size());
        assertEquals(LineChart.PALETTE.get(0), chart.color("only"));
        assertNotEquals(null, chart.xchart().getSeriesMap().get("only").getLineStyle().getDashArray(), "a second lap is dashed");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> chart.styleAs("other", 0)).getMessage().contains("'other'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> chart.styleAs("only", -1)).getMessage().contains("counts from 0"));
    }

    @Test
    void aGridTilesItsPanelsAndCanShareTheirYRange() {
        LineChart a = new LineChart("a", "x", "y", 300, 200).addSeries("s", new double[]{1, 2}, new double[]{1, 2});
        LineChart b = new LineChart("b", "x", "y", 300, 200).addSeries("s", new double[]{1, 2}, new double[]{5, 50});
        LineChart c = new LineChart("c", "x", "y", 300, 200).addSeries("s", new double[]{1, 2}, new double[]{3, 4});
        BufferedImage grid = ChartGrid.of(2, a, b, c).sharedY(true).toImage();
        assertEquals(600, grid.getWidth());
        assertEquals(400, grid.getHeight());
        assertEquals(a.xchart().getStyler().getYAxisMin(), c.xchart().getStyler().getYAxisMin());
        assertTrue(a.xchart().getStyler().getYAxisMax() >= 50, "shared range holds the largest value of all panels");
        assertTrue(a.xchart().getStyler().getYAxisMin() <= 1);
        assertThrows(IllegalArgumentException.class, () -> ChartGrid.of(0, a));
        assertThrows(IllegalArgumentException.class, () -> ChartGrid.of(2));
    }
}
