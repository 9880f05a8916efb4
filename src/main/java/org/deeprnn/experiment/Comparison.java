package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Several training runs of one experiment side by side (notebooks 5 and 6: the depth sweep and
 * each piece of training advice), for stacked networks and graphs alike: it trains or collects the runs under a name, then prints one
 * table of their final numbers and draws any per-epoch measurement of all runs in one chart.
 */
public final class Comparison {
    private final String title;
    private final PrintStream progress;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    /** One finished run: its name, how many parameters the model has, and its training history. */
    public record Run(String name, long parameters, TrainingResult result) {
        public Run {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
        }

        /** Mean training seconds per epoch (validation excluded). */
        public double secondsPerEpoch() {
            return result.epochs().stream().mapToDouble(EpochResult::trainSeconds).average().orElse(Double.NaN);
        }

        /** The epoch with the lowest validation metric, or null without validation data. */
        public EpochResult bestValidationEpoch() {
            EpochResult best = null;
            for (EpochResult e : result.epochs()) {
                if (e.hasValidation() && (best == null || e.validationLoss() < best.validationLoss())) {
                    best = e;
                }
            }
            return best;
        }
    }

    /** A comparison that prints a header line before each run it trains to {@code System.out}. */
    public Comparison(String title) {
        this(title, System.out);
    }

    /** @param progress where {@link #train} announces each run; null for silence */
    public Comparison(String title, PrintStream progress) {
        this.title = Objects.requireNonNull(title, "title");
        this.progress = progress;
    }

    /**
     * Initialises nothing: trains {@code net} as it is with {@code trainer}, records the run under
     * {@code name} and returns its history.
     */
    public TrainingResult train(String name, MultiLayerNetwork net, Trainer trainer, DataSetIterator training,
                                DataSetIterator validation) {
        return record(name, net.numParams(), () -> trainer.fit(net, training, validation));
    }

    /**
     * As {@link #train(String, MultiLayerNetwork, Trainer, DataSetIterator, DataSetIterator)} for a
     * graph, such as the residual stacks of {@code DeepRnnBuilder.buildGraph(true)}.
     */
    public TrainingResult train(String name, ComputationGraph graph, Trainer trainer, DataSetIterator training,
                                DataSetIterator validation) {
        return record(name, graph.numParams(), () -> trainer.fit(graph, training, validation));
    }

    /** Records a run trained elsewhere (for example a network that is not a MultiLayerNetwork). */
    public Run add(String name, long parameters, TrainingResult result) {
        requireFreeName(name);
        Run run = new Run(name, parameters, result);
        runs.put(name, run);
        return run;
    }

    public String title() {
        return title;
    }

    public List<Run> runs() {
        return List.copyOf(runs.values());
    }

    /** @throws IllegalArgumentException if no run has that name */
    public Run run(String name) {
        Run run = runs.get(name);
        if (run == null) {
            throw new IllegalArgumentException("No run named '" + name + "' in '" + title + "'; the runs are " + runs.keySet());
        }
        return run;
    }

    /**
     * One row per run: parameters, epochs trained, final training and validation metric (perplexity for language
     * models), the best validation metric and its epoch, the largest gradient norm before clipping,
     * and seconds per epoch.
     */
    public String table() {
        requireRuns();
        int width = Math.max(4, runs.keySet().stream().mapToInt(String::length).max().orElse(4));
        String metric = runs.values().iterator().next().result().last().metricName();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-" + width + "s %11s %6s %10s %10s %16s %12s %8s%n", "run", "parameters", "epochs",
                "train " + abbreviate(metric), "val " + abbreviate(metric), "best val (epoch)", "max |grad|", "s/epoch"));
        for (Run run : runs.values()) {
            EpochResult last = run.result().last();
            EpochResult best = run.bestValidationEpoch();
            String bestText = best == null ? "-" : String.format(Locale.ROOT, "%.3f (%d)", best.validationMetric(), best.epoch());
            double maxNorm = run.result().epochs().stream().mapToDouble(EpochResult::maxGradientNorm).max().orElse(Double.NaN);
            s.append(String.format(Locale.ROOT, "%-" + width + "s %,11d %6d %10s %10s %16s %12s %8.2f%n", run.name(),
                    run.parameters(), last.epoch(), format(last.metric()), last.hasValidation() ? format(last.validationMetric()) : "-",
                    bestText, format(maxNorm), run.secondsPerEpoch()));
        }
        return s.toString();
    }

    /**
     * A chart with one series per run of {@code measure} against the epoch, for example
     * {@code EpochResult::validationPerplexity} or {@code EpochResult::maxGradientNorm}. Values that
     * cannot be drawn (NaN, infinite) end a series early, so a run that blew up shows where it did.
     */
    public LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure) {
        requireRuns();
        Objects.requireNonNull(measure, "measure");
        LineChart chart = new LineChart(chartTitle, "epoch", yAxisTitle);
        for (Run run : runs.values()) {
            List<double[]> points = new ArrayList<>();
            for (EpochResult e : run.result().epochs()) {
                double y = measure.applyAsDouble(e);
                if (!Double.isFinite(y)) {
                    break;
                }
                points.add(new double[]{e.epoch(), y});
            }
            if (points.isEmpty()) {
                continue;
            }
            chart.addSeries(run.name(), points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray());
        }
        if (chart.seriesNames().isEmpty()) {
            throw new IllegalArgumentException("No run of '" + title + "' has a finite value of this measure to draw "
                    + "(validation measures need validation data)");
        }
        return chart;
    }

    private static String abbreviate(String metric) {
        return metric.equals("perplexity") ? "ppl" : metric;
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return "inf";
        }
        return Math.abs(value) >= 1e5 || (value != 0 && Math.abs(value) < 1e-3)
                ? String.format(Locale.ROOT, "%.3g", value) : String.format(Locale.ROOT, "%.3f", value);
    }

    private TrainingResult record(String name, long parameters, Supplier<TrainingResult> training) {
        requireFreeName(name);
        if (progress != null) {
            progress.println("== " + title + ": " + name);
        }
        TrainingResult result = training.get();
        add(name, parameters, result);
        return result;
    }

    private void requireFreeName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A run needs a non-empty name");
        }
        if (runs.containsKey(name)) {
            throw new IllegalArgumentException("'" + title + "' already has a run named '" + name + "': give each run its own name");
        }
    }

    private void requireRuns() {
        if (runs.isEmpty()) {
            throw new IllegalStateException("'" + title + "' has no runs yet: train(...) or add(...) some first");
        }
    }
}
