package org.deeprnn.chart;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The chart fixes of issue 24, on charts shaped like the notebooks' (written to target/chart-reading/ to be looked
 * at): labels with one number of decimals, a drawn baseline, panels whose legends sit under their plots and whose
 * shared settings keep one colour.
 */
class ChartReadingTest {
    private static final Path OUT = Path.of("target", "chart-reading");

    private static BufferedImage save(BufferedImage image, String name) throws IOException {
        Files.createDirectories(OUT);
        ImageIO.write(image, "png", OUT.resolve(name).toFile());
        return image;
    }

    /** Notebook 4's test-loss chart: three depths near 0.082 over 80 epochs, seed bands, the baseline 0.0989. */
    private static LineChart testLoss() {
        LineChart chart = new LineChart("Test loss per depth (mean of 3 seeds, band: min–max)", "epoch", "test loss (MSE)");
        Random random = new Random(1);
        for (int depth = 1; depth <= 3; depth++) {
            double[] mean = new double[80];
            double[] lo = new double[80];
            double[] hi = new double[80];
            for (int e = 0; e < 80; e++) {
                mean[e] = 0.0815 + 0.018 * Math.exp(-e / (4.0 + depth)) + 0.0002 * depth;
                double w = 0.0004 + 0.002 * Math.exp(-e / 6.0) + 0.0001 * random.nextDouble();
                lo[e] = mean[e] - w;
                hi[e] = mean[e] + w;
            }
            String name = "L = " + depth;
            chart.addSeries(name, mean).addBand(name, range(80), lo, hi);
        }
        return chart.baseline("last value (baseline)", 0.0989);
    }

    private static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    @Test
    void tickLabelsOfALinearAxisShareTheirDecimals() {
        assertEquals(3, TickLabels.decimals(0.1 - 0.08));
        assertEquals(0, TickLabels.decimals(20));
        assertEquals(1, TickLabels.decimals(2));
        assertEquals("0.090", TickLabels.fixed(0.09, 3));
        assertEquals("0.100", TickLabels.fixed(0.1, 3));
        assertEquals("1,500", TickLabels.fixed(1500, 0));
    }

    @Test
    void theBaselineIsDrawnAcrossThePlotAndListed() throws IOException {
        LineChart chart = testLoss();
        BufferedImage image = save(chart.toImage(), "test-loss.png");
        assertTrue(chart.xchart().getSeriesMap().get("last value (baseline)").isShowInLegend());
        // the grey dashes of the baseline appear across most of the plot's width
        int columns = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                Color c = new Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - 0x55) < 12 && Math.abs(c.getGreen() - 0x55) < 12 && Math.abs(c.getBlue() - 0x55) < 12) {
                    columns++;
                    break;
                }
            }
        }
        assertTrue(columns > image.getWidth() / 3, "grey in " + columns + " columns");
        double[] extent = chart.yExtent();
        assertTrue(extent[1] >= 0.0989, "the axis holds the baseline");
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> chart.baseline("L = 1", 0.1));
        assertEquals("The chart already has a series or baseline named 'L = 1'", taken.getMessage());
    }

    @Test
    void panelsSideBySideKeepLegendsUnderTheirPlotsAndOneColourPerSetting() throws IOException {
        // notebook 6's clipping figure: gradient norms of both settings, then one panel per setting
        LineChart norms = new LineChart("Largest gradient norm per epoch", "epoch", "global L2 norm", 430, 340)
                .addSeries("clipped at norm 1", new double[]{19, 12, 8, 5, 3, 2})
                .addSeries("not clipped", new double[]{38, 1e3, 1e5, 1e7, 1e9, 1e9}).logY(true);
        LineChart clipped = new LineChart("Clipped: training perplexity", "epoch", "perplexity", 430, 340)
                .addSeries("clipped at norm 1", new double[]{36, 20, 12, 8, 6, 5});
        LineChart notClipped = new LineChart("Not clipped: training perplexity", "epoch", "perplexity", 430, 340)
                .addSeries("not clipped", new double[]{9873, 1e5, 1e6, 1e7, 1e8, 4.68e8}).logY(true);
        assertEquals(0, notClipped.position("not clipped"));
        save(ChartGrid.of(3, norms, clipped, notClipped).toImage(), "clipping-grid.png");
        assertEquals(1, notClipped.position("not clipped"), "the colour it has in the first panel");
        assertEquals(norms.color("not clipped"), notClipped.color("not clipped"));
        assertEquals(Styler.LegendPosition.OutsideS, norms.xchart().getStyler().getLegendPosition());
        // a single column keeps the legend beside the plot
        LineChart alone = new LineChart("a", "x", "y").addSeries("p", new double[]{1, 2}).addSeries("q", new double[]{2, 1});
        ChartGrid.of(1, alone).toImage();
        assertEquals(Styler.LegendPosition.OutsideE, alone.xchart().getStyler().getLegendPosition());
    }
}
