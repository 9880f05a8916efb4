package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.text.SequenceIterator;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingDivergedException;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Several training runs of one experiment side by side (the depth sweep, the cells, each piece of
 * training advice), for stacked networks and graphs alike. With {@link #seeds(long...)} every
 * setting trains once per seed, so its table and charts show the mean and the spread a verdict has
 * to beat; without seeds each name is one run.
 */
public final class Comparison {
    /** The seed of a run trained on a network built outside the comparison. */
    public static final long NO_SEED = Long.MIN_VALUE;

    private final String title;
    private final PrintStream progress;
    private final Map<String, List<Run>> runs = new LinkedHashMap<>();
    private long[] seeds = new long[0];
    private int chartWidth = LineChart.DEFAULT_WIDTH;
    private int chartHeight = LineChart.DEFAULT_HEIGHT;

    /** One finished run: its setting's name, its seed, how many parameters the model has, and its training history. */
    public record Run(String name, long seed, long parameters, TrainingResult result) {
        public Run {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
        }

        public Run(String name, long parameters, TrainingResult result) {
            this(name, NO_SEED, parameters, result);
        }

        /** Mean training seconds per epoch (validation excluded; the epoch a run diverged in does not count). */
        public double secondsPerEpoch() {
            return result.epochs().stream().filter(e -> Double.isFinite(e.loss())).mapToDouble(EpochResult::trainSeconds)
                    .average().orElse(Double.NaN);
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

    /** A comparison that prints a line before (single runs) or after (seeded runs) each run to {@code System.out}. */
    public Comparison(String title) {
        this(title, System.out);
    }

    /** @param progress where {@link #train} reports each run; null for silence */
    public Comparison(String title, PrintStream progress) {
        this.title = Objects.requireNonNull(title, "title");
        this.progress = progress;
    }

    /**
     * The seeds every factory-built setting trains with, in this order ({@link #train(String, LongFunction, Trainer,
     * DataSetIterator, DataSetIterator)}); returns this comparison.
     *
     * @throws IllegalArgumentException if there are none or one repeats
     */
    public Comparison seeds(long... seeds) {
        Objects.requireNonNull(seeds, "seeds");
        if (seeds.length == 0 || Arrays.stream(seeds).distinct().count() != seeds.length) {
            throw new IllegalArgumentException("Give one or more distinct seeds, got " + Arrays.toString(seeds));
        }
        this.seeds = seeds.clone();
        return this;
    }

    /** The size in pixels of the charts drawn after this call (smaller panels for small multiples); returns this comparison. */
    public Comparison chartSize(int width, int height) {
        new LineChart(null, null, null, width, height);  // the chart's own check of the size
        this.chartWidth = width;
        this.chartHeight = height;
        return this;
    }

    /** The seeds set by {@link #seeds(long...)} (empty if none). */
    public long[] seeds() {
        return seeds.clone();
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

    /**
     * Trains one network per seed of {@link #seeds(long...)}, each built by {@code network} from its seed, on the
     * same data (the same batches in the same order for every seed), and reports one line per run (the trainer's own
     * lines are silenced).
     *
     * @throws IllegalStateException if no seeds were set
     */
    public List<Run> train(String name, LongFunction<MultiLayerNetwork> network, Trainer trainer,
                           DataSetIterator training, DataSetIterator validation) {
        Objects.requireNonNull(network, "network");
        Trainer quiet = trainer.silent();
        return trainSeeds(name, training, validation, seed -> {
            MultiLayerNetwork net = network.apply(seed);
            return new Run(name, seed, net.numParams(), fitOrDiverged(() -> quiet.fit(net, training, validation)));
        });
    }

    /** As {@link #train(String, LongFunction, Trainer, DataSetIterator, DataSetIterator)} for graphs. */
    public List<Run> trainGraph(String name, LongFunction<ComputationGraph> graph, Trainer trainer,
                                DataSetIterator training, DataSetIterator validation) {
        Objects.requireNonNull(graph, "graph");
        Trainer quiet = trainer.silent();
        return trainSeeds(name, training, validation, seed -> {
            ComputationGraph g = graph.apply(seed);
            return new Run(name, seed, g.numParams(), fitOrDiverged(() -> quiet.fit(g, training, validation)));
        });
    }

    /** Records a run trained elsewhere (for example a network that is not a MultiLayerNetwork). */
    public Run add(String name, long parameters, TrainingResult result) {
        requireFreeName(name);
        Run run = new Run(name, parameters, result);
        runs.put(name, List.of(run));
        return run;
    }

    /**
     * Records runs trained in another comparison under a name of this one, for a comparison that builds on an
     * earlier one (the short-text runs against the whole book).
     */
    public List<Run> include(String name, List<Run> trained) {
        requireFreeName(name);
        Objects.requireNonNull(trained, "trained");
        if (trained.isEmpty()) {
            throw new IllegalArgumentException("No runs to include under '" + name + "'");
        }
        List<Run> renamed = trained.stream().map(r -> new Run(name, r.seed(), r.parameters(), r.result())).toList();
        runs.put(name, renamed);
        return renamed;
    }

    public String title() {
        return title;
    }

    /** Every run, setting by setting and seed by seed. */
    public List<Run> runs() {
        return runs.values().stream().flatMap(List::stream).toList();
    }

    /** The names of the settings, in the order they were trained. */
    public List<String> names() {
        return List.copyOf(runs.keySet());
    }

    /** The runs of one setting, one per seed. */
    public List<Run> runs(String name) {
        List<Run> r = runs.get(name);
        if (r == null) {
            throw new IllegalArgumentException("No run named '" + name + "' in '" + title + "'; the runs are " + runs.keySet());
        }
        return r;
    }

    /** @throws IllegalArgumentException if no run has that name, or the name has one run per seed */
    public Run run(String name) {
        List<Run> r = runs(name);
        if (r.size() > 1) {
            throw new IllegalArgumentException("'" + name + "' has " + r.size() + " runs, one per seed: use runs(name), or "
                    + "finalValidation(name) and spread(name, ...) for their summary");
        }
        return r.get(0);
    }

    /** Any per-run number over the runs of one setting, for example {@code Run::secondsPerEpoch}. */
    public Spread spread(String name, ToDoubleFunction<Run> measure) {
        Objects.requireNonNull(measure, "measure");
        return new Spread(runs(name).stream().mapToDouble(measure).toArray());
    }

    /** The last epoch's validation metric (perplexity for language models) over the seeds of one setting. */
    public Spread finalValidation(String name) {
        return spread(name, run -> run.result().last().validationMetric());
    }

    /** The last epoch's training metric over the seeds of one setting. */
    public Spread finalTraining(String name) {
        return spread(name, run -> run.result().last().metric());
    }

    /**
     * One row per setting: parameters, epochs, seeds, final training and validation metric, and seconds per
     * epoch; for a single run also the best validation metric and its epoch and the largest gradient norm
     * before clipping, for several seeds the validation metric's mean ± sd and range.
     */
    public String table() {
        requireRuns();
        return RunTable.of(runs);
    }

    /**
     * One series per setting of {@code measure} against the epoch, for example
     * {@code EpochResult::validationPerplexity}; a setting with several seeds is drawn as the mean, in a band
     * from the lowest to the highest seed. Values that cannot be drawn (NaN, infinite) end a series early, so
     * a run that blew up shows where it did.
     */
    public LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure) {
        requireRuns();
        return chart(chartTitle, yAxisTitle, measure, runs.keySet().toArray(String[]::new));
    }

    /**
     * As {@link #chart(String, String, ToDoubleFunction)} for the named settings only, in that order: one panel of
     * a few series for small multiples. Each setting is drawn in the colour of its place in this comparison, so it
     * looks the same in every panel.
     *
     * @throws IllegalArgumentException if a name has no run
     */
    public LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure, String... names) {
        requireRuns();
        Objects.requireNonNull(measure, "measure");
        LineChart chart = new LineChart(chartTitle, "epoch", yAxisTitle, chartWidth, chartHeight);
        List<String> settings = names();
        for (String name : names) {
            SeedCurves.of(runs(name), measure).drawOn(chart, name);
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

    /**
     * Draws one setting's {@code measure} on an existing chart as series {@code seriesName} (the mean over its seeds,
     * with the min–max band), so one panel can hold two measures of a setting, such as training and validation.
     */
    public LineChart addCurve(LineChart chart, String seriesName, String name, ToDoubleFunction<EpochResult> measure) {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(measure, "measure");
        SeedCurves.of(runs(name), measure).drawOn(chart, seriesName);
        return chart;
    }

    private List<Run> trainSeeds(String name, DataSetIterator training, DataSetIterator validation, LongFunction<Run> oneSeed) {
        requireFreeName(name);
        if (seeds.length == 0) {
            throw new IllegalStateException("'" + title + "' has no seeds: call seeds(...) first, or train one network "
                    + "with train(name, net, trainer, training, validation)");
        }
        List<Run> done = new ArrayList<>();
        for (long seed : seeds) {
            rewind(training);
            rewind(validation);
            long start = System.nanoTime();
            Run run = oneSeed.apply(seed);
            done.add(run);
            if (progress != null) {
                EpochResult last = run.result().last();
                if (!Double.isFinite(last.loss())) {
                    progress.println(String.format(Locale.ROOT, "%s: %s, seed %d: diverged in epoch %d, %.1f s", title, name, seed,
                            last.epoch(), (System.nanoTime() - start) / 1e9));
                    continue;
                }
                progress.println(String.format(Locale.ROOT, "%s: %s, seed %d: %s %s%s, %.1f s", title, name, seed,
                        last.hasValidation() ? "validation" : "training", last.metricName(),
                        " " + Spread.format(last.hasValidation() ? last.validationMetric() : last.metric()),
                        (System.nanoTime() - start) / 1e9));
            }
        }
        runs.put(name, List.copyOf(done));
        return done;
    }

    /**
     * A seed whose training diverged is kept, not dropped (dropping it would flatter the setting): its history
     * ends with an epoch of infinite loss and gradient norm, the epoch it diverged in, so its final metrics are
     * infinite and its curves stop before that epoch.
     */
    private static TrainingResult fitOrDiverged(Supplier<TrainingResult> fit) {
        try {
            return fit.get();
        } catch (TrainingDivergedException e) {
            List<EpochResult> epochs = new ArrayList<>(e.completedEpochs());
            boolean crossEntropy = epochs.isEmpty() || epochs.get(0).crossEntropy();
            double inf = Double.POSITIVE_INFINITY;
            epochs.add(new EpochResult(e.epoch(), inf, inf, 0, 0, inf, crossEntropy));
            return new TrainingResult(epochs, Double.NaN);
        }
    }

    /** Every seed sees the same batches in the same order: the project's samplers start over, others are reset. */
    private static void rewind(DataSetIterator data) {
        if (data instanceof SequenceIterator s) {
            s.rewind();
        } else if (data != null && data.resetSupported()) {
            data.reset();
        }
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
