package org.deeprnn.train;

import java.util.List;
import java.util.Locale;

/**
 * Training diverged by one of {@link EpochLoop}'s rules: a loss or gradient norm that is NaN or infinite
 * (that step was not applied, so the model keeps the weights from before it), an epoch whose mean
 * cross-entropy is more than ln 10 above a uniform guess's, or a minibatch loss that grew by four orders
 * of magnitude from the run's first. {@link #epoch()}, {@link #batch()} and {@link #loss()} say where and how bad.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int batch;
    private final double loss;
    private transient List<EpochResult> completed = List.of();

    private static final String WHAT_TO_DO = "lower the learning rate, or clip the gradient "
            + "(Trainer.builder().clipGlobalNorm(1), d2l's setting).";

    TrainingDivergedException(int epoch, int batch, double lossSum, double gradientNorm) {
        this(epoch, batch, lossSum, String.format(Locale.ROOT, "Training stopped in epoch %d at minibatch %d: the loss is %s and the "
                + "gradient norm %s. The weights have left the range where the loss can be computed; " + WHAT_TO_DO
                + " The model keeps the weights from before this minibatch.", epoch, batch, lossSum, gradientNorm));
    }

    private TrainingDivergedException(int epoch, int batch, double loss, String message) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** An epoch whose mean loss per token {@code loss} lies more than ln 10 above ln {@code classes}. */
    static TrainingDivergedException aboveUniform(int epoch, int batches, double loss, long classes) {
        return new TrainingDivergedException(epoch, batches, loss, String.format(Locale.ROOT, "Training diverged in epoch %d "
                + "(stopped after its minibatch %d): the mean loss per predicted token of the epoch is %.4g (perplexity %.4g), "
                + "more than ln %d + ln 10 = %.4g, ten times worse than a uniform guess over the %d classes. The updates "
                + "push the weights the wrong way; %s", epoch, batches, loss, Math.exp(loss), classes,
                Math.log(classes) + Math.log(10), classes, WHAT_TO_DO));
    }

    /** A minibatch whose loss per token {@code loss} is more than {@code limit} times the run's first, {@code first}. */
    static TrainingDivergedException grew(int epoch, int batch, double loss, double first, double limit) {
        return new TrainingDivergedException(epoch, batch, loss, String.format(Locale.ROOT, "Training diverged in epoch %d at "
                + "minibatch %d: the loss per predicted token is %.4g, more than %.0g times the first minibatch's %.4g. %s",
                epoch, batch, loss, limit, first, WHAT_TO_DO.substring(0, 1).toUpperCase(Locale.ROOT) + WHAT_TO_DO.substring(1)));
    }

    /**
     * The loss that stopped the run: the loss summed over the minibatch when it was not finite, else the
     * loss per predicted token (of the epoch for the uniform-guess rule, of the minibatch for the growth rule).
     */
    public double loss() {
        return loss;
    }

    /** The epoch it happened in, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The epochs finished before it happened (empty if it happened in the first). */
    public List<EpochResult> completedEpochs() {
        return completed == null ? List.of() : completed;
    }

    TrainingDivergedException withCompleted(List<EpochResult> epochs) {
        this.completed = List.copyOf(epochs);
        return this;
    }

    /** The minibatch of that epoch, from 1. */
    public int batch() {
        return batch;
    }
}
