package org.deeprnn.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The loop over epochs and minibatches that every trainer of the project shares (section
 * "Training"): the {@link Trainer} for DL4J networks and graphs, and the SameDiff model of notebook 5,
 * "3. Exercise 1: a two-layer RNN from single layers, trained by SameDiff". A model supplies
 * one training step per minibatch and its validation loss; the loop adds up the loss per
 * predicted token, keeps the largest gradient norm, stops a training that diverges, calls the listeners
 * and prints the progress lines, so that every trainer reports the same {@link EpochResult}s in the same words.
 * <p>
 * A training diverges, and stops with a {@link TrainingDivergedException}, when
 * <ul>
 *   <li>a minibatch's loss or gradient norm is NaN or infinite (its step is not applied);</li>
 *   <li>a cross-entropy epoch's mean loss per predicted token is above {@code ln V + ln 10}, that is a
 *   perplexity more than ten times that of a uniform guess over the V classes: a model that learns sits
 *   at or below {@code ln V} (d2l's LSTM starts on a plateau near ln 28 with V = 28), so an epoch ten
 *   times worse than guessing is one whose steps push the weights the wrong way;</li>
 *   <li>a minibatch's loss per predicted token is more than {@value #GROWTH_LIMIT} times that of the
 *   run's first minibatch (any loss, MSE included).</li>
 * </ul>
 * Engines bound the loss of a saturated softmax, so a run at a far too high rate stays finite and only
 * these rules catch it. A minibatch whose labels mask selects no token, whose masks do not match its
 * labels, or whose features are not finite is refused with the batch named, not blamed on the rate.
 */
public final class EpochLoop {
    /** How many times the first minibatch's loss per token a later one may reach before the run counts as diverged. */
    public static final double GROWTH_LIMIT = 1e4;
    /** How far above ln V (in nats: ln 10) an epoch's mean cross-entropy may lie before the run counts as diverged. */
    public static final double UNIFORM_MARGIN = Math.log(10);
    private final int epochs;
    private final int printEvery;
    private final PrintStream progress;
    private final List<EpochListener> listeners;
    private EarlyStopping stopping;

    /** What a model does with one minibatch: the loss summed over its predicted tokens and the gradient norm before clipping. */
    public record Step(double lossSum, double gradientNorm) {
        /** Whether loss and norm are both finite numbers; a model must not have applied a step that is not. */
        public boolean finite() {
            return Double.isFinite(lossSum) && Double.isFinite(gradientNorm);
        }
    }

    /** The model side of the loop. */
    public interface Model {
        /** Called before the first and after the last minibatch of every epoch (forget any carried state). */
        default void resetState() {
        }

        /** Called at the start of every epoch, after {@link #resetState()} and before the first minibatch. */
        default void startEpoch() {
        }

        /** Trains on one minibatch; a step whose loss or gradient norm is not finite is returned without being applied. */
        Step step(DataSet batch);

        /** Called after the last minibatch of an epoch, before validation. */
        default void endEpoch() {
        }

        /** Mean loss per predicted token on every batch of {@code validation}. */
        double meanLoss(DataSetIterator validation);

        /** True when the loss is a cross-entropy, so that progress lines show a perplexity. */
        boolean crossEntropy();
    }

    /**
     * @param printEvery a progress line every this many epochs (and after the first and the last);
     *                   0 or less for about ten lines per run
     * @param progress   where the lines go; null for silence
     */
    public EpochLoop(int epochs, int printEvery, PrintStream progress, List<EpochListener> listeners) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        this.epochs = epochs;
        this.printEvery = printEvery > 0 ? printEvery : Math.max(1, epochs / 10);
        this.progress = progress;
        this.listeners = List.copyOf(listeners);
    }

    /** This loop, ending before its last epoch when {@code rule} says so (null: always run every epoch). */
    public EpochLoop stopEarly(EarlyStopping rule) {
        this.stopping = rule;
        return this;
    }

    /** Trains {@code model} on {@code train}, measuring {@code validation} (may be null) after every epoch. */
    public TrainingResult run(Model model, DataSetIterator train, DataSetIterator validation) {
        Objects.requireNonNull(train, "train iterator");
        if (stopping != null && validation == null) {
            throw new IllegalArgumentException("Early stopping watches the validation metric: pass a validation (tuning) iterator");
        }
        List<EpochResult> history = new ArrayList<>();
        long wallStart = System.nanoTime();
        double[] firstLoss = {Double.NaN};
        for (int e = 1; e <= epochs; e++) {
            EpochResult result;
            try {
                result = epoch(model, train, e, validation, firstLoss);
            } catch (TrainingDivergedException diverged) {
                throw diverged.withCompleted(history);
            }
            history.add(result);
            for (EpochListener l : listeners) {
                l.onEpoch(result, epochs);
            }
            boolean stop = stopping != null && e < epochs && stopping.stop(history);
            if (progress != null && (e % printEvery == 0 || e == 1 || e == epochs || stop)) {
                progress.println(progressLine(result, (System.nanoTime() - wallStart) / 1e9));
            }
            if (stop) {
                if (progress != null) {
                    progress.printf(Locale.ROOT, "stopped: no better validation for %d epochs, best in epoch %d%n",
                            stopping.patience(), EarlyStopping.bestEpoch(history));
                }
                break;
            }
        }
        TrainingResult result = new TrainingResult(history, (System.nanoTime() - wallStart) / 1e9);
        if (progress != null) {
            progress.println(doneLine(result));
        }
        return result;
    }

    private EpochResult epoch(Model model, DataSetIterator train, int epoch, DataSetIterator validation, double[] firstLoss) {
        train.reset();
        model.resetState();
        model.startEpoch();
        double lossSum = 0;
        long tokens = 0;
        double maxNorm = 0;
        long start = System.nanoTime();
        int batches = 0;
        long classes = 0;
        while (train.hasNext()) {
            DataSet batch = train.next();
            batches++;
            String where = "minibatch " + batches + " of epoch " + epoch;
            long batchTokens = checkedTokenCount(batch, where);
            Step step = model.step(batch);
            if (!step.finite()) {
                BatchCheck.requireFiniteData(batch, where);
                throw new TrainingDivergedException(epoch, batches, step.lossSum(), step.gradientNorm());
            }
            double perToken = step.lossSum() / batchTokens;
            if (Double.isNaN(firstLoss[0])) {
                firstLoss[0] = perToken;
            } else if (firstLoss[0] > 0 && perToken > GROWTH_LIMIT * firstLoss[0]) {
                throw TrainingDivergedException.grew(epoch, batches, perToken, firstLoss[0], GROWTH_LIMIT);
            }
            lossSum += step.lossSum();
            tokens += batchTokens;
            maxNorm = Math.max(maxNorm, step.gradientNorm());
            classes = batch.getLabels().size(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (tokens == 0) {
            throw new IllegalStateException("The training iterator produced no minibatch in epoch " + epoch
                    + ": the corpus is too short for its batch size and number of steps");
        }
        if (model.crossEntropy() && classes > 1 && lossSum / tokens > Math.log(classes) + UNIFORM_MARGIN) {
            throw TrainingDivergedException.aboveUniform(epoch, batches, lossSum / tokens, classes);
        }
        model.endEpoch();
        model.resetState();
        double valLoss = validation == null ? Double.NaN : model.meanLoss(validation);
        return new EpochResult(epoch, lossSum / tokens, valLoss, tokens, seconds, maxNorm, model.crossEntropy());
    }

    /**
     * {@link #tokenCount} of a training minibatch, refusing one whose masks do not fit its labels or
     * whose labels mask selects no token (its loss per token would be 0/0); {@code where} names the batch.
     */
    static long checkedTokenCount(DataSet batch, String where) {
        BatchCheck.requireMatchingMasks(batch, where);
        long tokens = tokenCount(batch);
        if (tokens <= 0) {
            throw new IllegalArgumentException("The labels mask of " + where + " is all zeros: the batch has no token to "
                    + "predict, so it has no loss to learn from. Give every sequence at least one step with mask 1, "
                    + "or leave such sequences out of the batch");
        }
        return tokens;
    }

    /** Predicted tokens (time steps of all sequences, or the unmasked ones) in a minibatch. */
    public static long tokenCount(DataSet batch) {
        INDArray mask = batch.getLabelsMaskArray();
        if (mask != null) {
            return mask.sumNumber().longValue();
        }
        INDArray labels = batch.getLabels();
        return labels.rank() == 3 ? labels.size(0) * labels.size(2) : labels.size(0);
    }

    private String progressLine(EpochResult r, double elapsedSeconds) {
        String val = r.hasValidation() ? "  validation " + formatMetric(r, r.validationMetric()) : "";
        return String.format(Locale.ROOT, "epoch %" + String.valueOf(epochs).length() + "d/%d  %s %s%s  %,.0f %s/s  elapsed %s",
                r.epoch(), epochs, r.metricName(), formatMetric(r, r.metric()), val, r.tokensPerSecond(), unit(r),
                formatSeconds(elapsedSeconds));
    }

    private static String doneLine(TrainingResult result) {
        EpochResult last = result.last();
        return String.format(Locale.ROOT, "done: %s %s, %,.0f %s/s, wall time %s", last.metricName(), formatMetric(last, last.metric()),
                result.tokensPerSecond(), unit(last), formatSeconds(result.wallSeconds()));
    }

    /** Perplexity with 3 decimals; a loss with 4 significant digits, since MSE values can be small. */
    private static String formatMetric(EpochResult r, double value) {
        return r.crossEntropy() ? String.format(Locale.ROOT, "%.3f", value) : String.format(Locale.ROOT, "%.4g", value);
    }

    private static String unit(EpochResult r) {
        return r.crossEntropy() ? "tokens" : "steps";
    }

    static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }
}
