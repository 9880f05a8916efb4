package org.deeprnn.train;

import java.util.List;

/** The per-epoch history of one {@link Trainer#fit} call and its wall time (notebook 3, "Training"). */
public record TrainingResult(List<EpochResult> epochs, double wallSeconds) {

    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    public EpochResult last() {
        return epochs.get(epochs.size() - 1);
    }

    /** Training perplexity per epoch (cross-entropy models only, see {@link EpochResult#perplexity()}). */
    public double[] perplexities() {
        return epochs.stream().mapToDouble(EpochResult::perplexity).toArray();
    }

    public double[] validationPerplexities() {
        return epochs.stream().mapToDouble(EpochResult::validationPerplexity).toArray();
    }

    /** Mean training loss per predicted token, per epoch (any loss). */
    public double[] losses() {
        return epochs.stream().mapToDouble(EpochResult::loss).toArray();
    }

    /** Mean validation loss per predicted token, per epoch; NaN where no validation data was given. */
    public double[] validationLosses() {
        return epochs.stream().mapToDouble(EpochResult::validationLoss).toArray();
    }

    /** The first epoch (counted from 1) whose training perplexity is below {@code threshold}, or -1. */
    public int firstEpochBelow(double threshold) {
        return epochs.stream().filter(e -> e.perplexity() < threshold).mapToInt(EpochResult::epoch).findFirst().orElse(-1);
    }

    /** Mean training throughput over all epochs. */
    public double tokensPerSecond() {
        long tokens = epochs.stream().mapToLong(EpochResult::tokens).sum();
        double seconds = epochs.stream().mapToDouble(EpochResult::trainSeconds).sum();
        return tokens / seconds;
    }
}
