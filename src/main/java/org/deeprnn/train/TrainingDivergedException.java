package org.deeprnn.train;

import java.util.List;
import java.util.Locale;

/**
 * Training met a loss or a gradient norm that is NaN or infinite. The step of that batch was not
 * applied, so the model keeps the weights it had before it; going on would only spread the NaN.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int batch;
    private transient List<EpochResult> completed = List.of();

    TrainingDivergedException(int epoch, int batch, double lossSum, double gradientNorm) {
        super(String.format(Locale.ROOT, "Training stopped in epoch %d at minibatch %d: the loss is %s and the "
                + "gradient norm %s. The weights have left the range where the loss can be computed; lower the "
                + "learning rate, or clip the gradient (Trainer.builder().clipGlobalNorm(1), d2l's setting). The model "
                + "keeps the weights from before this minibatch.", epoch, batch, lossSum, gradientNorm));
        this.epoch = epoch;
        this.batch = batch;
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
