package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainable;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingResult;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;

/**
 * Several training runs of one experiment side by side (the depth sweep, the cells, each piece of
 * training advice). Each setting is trained by {@link #train} from a function of the seed that builds
 * its model (a {@code MultiLayerNetwork}, a {@code ComputationGraph} or a {@link Trainable}); with
 * {@link #seeds(long...)} it trains once per seed, so its table and charts show the mean and the spread a
 * verdict has to beat, without seeds once. A run that diverges is recorded as diverged at its epoch
 * either way, never dropped and never ending the comparison.
 */
public final class Comparison {
    /** The seed a setting's model function gets in a comparison without seeds, and the seed its run records. */
    public static final long NO_SEED = Long.MIN_VALUE;

    private final String title;
    private final Runs runs;
    private final RunCharts charts;
    private PrintStream progress = System.out;
    private long[] seeds = new long[0];
    private DataSetIterator validation;

    /** One finished run: its setting's name, its seed, how many parameters the model has, and its training history. */
    public record Run(String name, long seed, long parameters, TrainingResult result) {
        public Run {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
        }

        /** Whether training stopped on divergence; then the last epoch of the history is the one it diverged at, with infinite loss. */
        public boolean diverged() {
            return result.last().loss() == Double.POSITIVE_INFINITY;
        }

        /** Mean training seconds per epoch (validation excluded; the epoch a run diverged at does not count). */
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

    private Comparison(String title) {
        this.title = Objects.requireNonNull(title, "title");
        this.runs = new Runs(title);
        this.charts = new RunCharts(title, runs);
    }

    /** A comparison without seeds or validation data that reports its runs on {@code System.out}. */
    public static Comparison of(String title) {
        return new Comparison(title);
    }

    /**
     * The seeds every setting trains with, in this order; returns this comparison.
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

    /** The data every run is measured on after each epoch (the same for every setting); returns this comparison. */
    public Comparison validation(DataSetIterator validation) {
        this.validation = Objects.requireNonNull(validation, "validation");
        return this;
    }

    /** No lines from this comparison or its trainers while they train; returns this comparison. */
    public Comparison quiet() {
        return progress(null);
    }

    /**
     * Where the comparison reports its runs (null for silence): a heading before a single run, whose trainer then
     * prints its own lines, or one line after each seed, the trainer silenced; returns this comparison.
     */
    public Comparison progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** The size in pixels of the charts drawn after this call (smaller panels for small multiples); returns this comparison. */
    public Comparison chartSize(int width, int height) {
        charts.size(width, height);
        return this;
    }

    /** The seeds set by {@link #seeds(long...)} (empty if none). */
    public long[] seeds() {
        return seeds.clone();
    }

    /**
     * Trains the setting {@code name}: once per seed, each time on a model that {@code model} builds from the seed
     * (a {@code MultiLayerNetwork}, a {@code ComputationGraph} or a {@link Trainable}), all on the same batches in
     * the same order, measured on the {@link #validation} data if any; without seeds once, with {@link #NO_SEED}.
     *
     * @return the runs, one per seed, also recorded under {@code name}
     * @throws IllegalArgumentException if the name is empty or taken, or the function returns another kind of model
     */
    public List<Run> train(String name, LongFunction<?> model, Trainer trainer, DataSetIterator training) {
        runs.requireFree(name);
        RunProgress printer = new RunProgress(title, progress);
        return runs.put(name, new SeedRunner(seeds, validation, printer).train(name, model, trainer, training));
    }

    /** Records a run trained elsewhere, with {@link #NO_SEED}. */
    public Run add(String name, long parameters, TrainingResult result) {
        runs.requireFree(name);
        return runs.put(name, List.of(new Run(name, NO_SEED, parameters, result))).get(0);
    }

    /**
     * Records runs trained in another comparison under a name of this one, for a comparison that builds on an
     * earlier one (the short-text runs against the whole book).
     */
    public List<Run> include(String name, List<Run> trained) {
        Objects.requireNonNull(trained, "trained");
        runs.requireFree(name);
        return runs.put(name, trained.stream().map(r -> new Run(name, r.seed(), r.parameters(), r.result())).toList());
    }

    public String title() {
        return title;
    }

    /** Every run, setting by setting and seed by seed. */
    public List<Run> runs() {
        return runs.all();
    }

    /** The names of the settings, in the order they were trained. */
    public List<String> names() {
        return runs.names();
    }

    /** The runs of one setting, one per seed. */
    public List<Run> runs(String name) {
        return runs.of(name);
    }

    /** @throws IllegalArgumentException if no run has that name, or the name has one run per seed */
    public Run run(String name) {
        List<Run> r = runs.of(name);
        if (r.size() > 1) {
            throw new IllegalArgumentException("'" + name + "' has " + r.size() + " runs, one per seed: use runs(name), or "
                    + "finalValidation(name) and spread(name, ...) for their summary");
        }
        return r.get(0);
    }

    /** Any per-run number over the runs of one setting, for example {@code Run::secondsPerEpoch}. */
    public Spread spread(String name, ToDoubleFunction<Run> measure) {
        Objects.requireNonNull(measure, "measure");
        return new Spread(runs.of(name).stream().mapToDouble(measure).toArray());
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
        return RunTable.of(runs.nonEmpty());
    }

    /**
     * One series per setting of {@code measure} against the epoch, for example
     * {@code EpochResult::validationPerplexity}; a setting with several seeds is drawn as the mean, in a band
     * from the lowest to the highest seed. Values that cannot be drawn (NaN, infinite) end a series early, so
     * a run that blew up shows where it did.
     */
    public LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure) {
        return charts.chart(chartTitle, yAxisTitle, measure, runs.names());
    }

    /**
     * As {@link #chart(String, String, ToDoubleFunction)} for the named settings only, in that order: one panel of
     * a few series for small multiples. Each setting is drawn in the colour of its place in this comparison, so it
     * looks the same in every panel.
     *
     * @throws IllegalArgumentException if a name has no run
     */
    public LineChart chart(String chartTitle, String yAxisTitle, ToDoubleFunction<EpochResult> measure, String... names) {
        return charts.chart(chartTitle, yAxisTitle, measure, List.of(names));
    }

    /**
     * Draws one setting's {@code measure} on an existing chart as series {@code seriesName} (the mean over its seeds,
     * with the min–max band), so one panel can hold two measures of a setting, such as training and validation.
     */
    public LineChart addCurve(LineChart chart, String seriesName, String name, ToDoubleFunction<EpochResult> measure) {
        return charts.addCurve(chart, seriesName, name, measure);
    }
}
