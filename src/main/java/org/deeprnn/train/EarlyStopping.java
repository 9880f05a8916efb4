package org.deeprnn.train;

import java.util.List;

/**
 * Stop training once the validation (tuning) metric has not improved for {@code patience} epochs in a row, so every
 * setting trains as long as it keeps learning, up to the trainer's epochs as a cap. Written here rather than taken
 * from DL4J's {@code EarlyStoppingTrainer} because that trainer drives DL4J's own {@code fit} and cannot run the
 * project's {@link Trainer}. The network keeps the weights of the epoch it stopped at, {@code patience} epochs after the
 * best one; {@link #bestEpoch} says which epoch that was.
 *
 * @param patience epochs without a new lowest validation metric before training stops, at least 1
 */
public record EarlyStopping(int patience) {

    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 epoch without improvement, got " + patience);
        }
    }

    /** Stop after {@code patience} epochs without a new lowest validation metric. */
    public static EarlyStopping afterNoImprovementFor(int patience) {
        return new EarlyStopping(patience);
    }

    /** True when the last {@code patience} epochs of {@code history} brought no validation metric below the best before them. */
    public boolean stop(List<EpochResult> history) {
        return !history.isEmpty() && history.size() - bestEpoch(history) >= patience;
    }

    /**
     * The epoch (counted from 1) with the lowest validation metric; the first of equals.
     *
     * @throws IllegalStateException if the epochs carry no validation metric
     */
    public static int bestEpoch(List<EpochResult> history) {
        int best = 0;
        for (int i = 0; i < history.size(); i++) {
            if (!history.get(i).hasValidation()) {
                throw new IllegalStateException("Early stopping watches the validation metric, but epoch " + history.get(i).epoch()
                        + " has none; pass a validation (tuning) iterator to fit");
            }
            if (history.get(i).validationMetric() < history.get(best).validationMetric()) {
                best = i;
            }
        }
        return history.get(best).epoch();
    }
}
