package org.deeprnn.chart;


import org.deeprnn.train.EpochListener;
import org.deeprnn.train.EpochResult;
import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A perplexity chart that redraws itself in a notebook while a model trains (notebook 3, "Training"):
 * an {@link EpochListener} that appends each epoch's perplexity (for a model without cross-entropy,
 * such as notebook 4's regression, its mean loss per step: {@link EpochResult#metric()}) to a
 * {@link LineChart} and shows the new picture in the same output cell. The notebook passes its kernel's {@code display} and
 * {@code updateDisplay} functions (IJava and rapaio-jupyter-kernel both offer them), so the
 * helper library does not depend on a kernel.
 */
public final class LiveChart implements EpochListener {
    private final LineChart chart;
    private final String series;
    private final Function<BufferedImage, String> display;
    private final BiConsumer<String, BufferedImage> updateDisplay;
    private final int redraws;
    private String validationSeries;
    private String displayId;

    /**
     * @param series        the series the training perplexity or loss goes to (validation, when measured, to
     *                      "series (validation)" unless {@link #validationSeries} names it)
     * @param display       shows an image in a new output and returns its display id
     * @param updateDisplay replaces the image of a display id
     */
    public LiveChart(LineChart chart, String series, Function<BufferedImage, String> display,
                     BiConsumer<String, BufferedImage> updateDisplay) {
        this.chart = Objects.requireNonNull(chart, "chart");
        this.series = Objects.requireNonNull(series, "series");
        this.display = Objects.requireNonNull(display, "display");
        this.updateDisplay = Objects.requireNonNull(updateDisplay, "updateDisplay");
        this.redraws = 100;
        this.validationSeries = series + " (validation)";
    }

    /** Names the validation series, for example "validation" when the training series is "training". */
    public LiveChart validationSeries(String name) {
        if (name == null || name.isBlank() || name.equals(series)) {
            throw new IllegalArgumentException("The validation series needs a name of its own, other than '" + series + "'; got '"
                    + name + "'");
        }
        this.validationSeries = name;
        return this;
    }

    @Override
    public void onEpoch(EpochResult result, int totalEpochs) {
        chart.append(series, result.epoch(), result.metric());
        if (result.hasValidation()) {
            chart.append(validationSeries, result.epoch(), result.validationMetric());
        }
        int every = Math.max(1, totalEpochs / redraws);
        if (displayId == null) {
            displayId = display.apply(chart.toImage());
        } else if (result.epoch() % every == 0 || result.epoch() == totalEpochs) {
            updateDisplay.accept(displayId, chart.toImage());
        }
    }

    public LineChart chart() {
        return chart;
    }
}
