package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.train.EpochResult;

import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The charts of a {@link Comparison}: one series per setting against the epoch, the mean over its seeds in a
 * band from the lowest to the highest, each setting in the colour of its place in the comparison.
 */
final class RunCharts {
    private final String title;
    private final Runs runs;
    private int width = LineChart.DEFAULT_WIDTH;
    private int height = LineChart.DEFAULT_HEIGHT;

    RunCharts(String title, Runs runs) {
        this.title = title;
        this.runs = runs;
    }

    void size(int width, int height) {
        new LineChart(null, null, null, width, height);  // the chart's own check of the size
        this.width = width;
        this.height = height;
    }

    LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure, List<String> names) {
        runs.nonEmpty();
        Objects.requireNonNull(measure, "measure");
        LineChart chart = new LineChart(chartTitle, "epoch", yAxisTitle, width, height);
        List<String> settings = runs.names();
        for (String name : names) {
            SeedCurves.of(runs.of(name), measure).drawOn(chart, name);
            if (chart.seriesNames().contains(name)) {
                chart.styleAs(name, settings.indexOf(name));
            }
        }
        if (chart.seriesNames().isEmpty()) {
            throw new IllegalArgumentException("No run of '" + title + "' has a finite value of this measure to draw "
                    + "(validation measures need validation data)");
        }
        return chart;
    }

    LineChart addCurve(LineChart chart, String seriesName, String name, ToDoubleFunction<EpochResult> measure) {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(measure, "measure");
        SeedCurves.of(runs.of(name), measure).drawOn(chart, seriesName);
        return chart;
    }
}
