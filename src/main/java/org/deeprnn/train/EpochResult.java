package org.deeprnn.train;

/**
 * What one training epoch measured (notebook 3, "Training"): the training loss as the mean loss per
 * predicted token (per time step of each sequence), the same on the validation set when one was
 * given (NaN otherwise), throughput, and the largest global gradient norm seen before clipping.
 * <p>
 * For a language model ({@code crossEntropy} true) the loss is the mean cross-entropy and the
 * chapter's measure is the perplexity, its exponential. For a regression model with DL4J's MSE
 * (notebook 4) the loss is the mean squared error per step, averaged over the output columns, and
 * there is no perplexity: {@link #metric()} is the perplexity or the loss, whichever applies.
 */
public record EpochResult(int epoch, double loss, double validationLoss, long tokens,
                          double trainSeconds, double maxGradientNorm, boolean crossEntropy) {

    /** An epoch of a cross-entropy model, given by its perplexities instead of losses (charts, tests). */
    public static EpochResult ofPerplexity(int epoch, double perplexity, double validationPerplexity, long tokens,
                                           double trainSeconds, double maxGradientNorm) {
        return new EpochResult(epoch, Math.log(perplexity), Math.log(validationPerplexity), tokens, trainSeconds,
                maxGradientNorm, true);
    }

    /**
     * Training perplexity, exp of the mean cross-entropy per predicted token.
     *
     * @throws IllegalStateException if the model was not trained with cross-entropy (use {@link #loss()})
     */
    public double perplexity() {
        requireCrossEntropy();
        return Math.exp(loss);
    }

    /** Validation perplexity; NaN without validation data. */
    public double validationPerplexity() {
        requireCrossEntropy();
        return Math.exp(validationLoss);
    }

    /** The perplexity for a cross-entropy model, the loss otherwise: what progress lines and live charts show. */
    public double metric() {
        return crossEntropy ? Math.exp(loss) : loss;
    }

    /** {@link #metric()} on the validation set; NaN without validation data. */
    public double validationMetric() {
        return crossEntropy ? Math.exp(validationLoss) : validationLoss;
    }

    /** "perplexity" or "loss": the name of {@link #metric()}. */
    public String metricName() {
        return crossEntropy ? "perplexity" : "loss";
    }

    /** Training tokens (time steps of all sequences) predicted per second of training time (validation excluded). */
    public double tokensPerSecond() {
        return tokens / trainSeconds;
    }

    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    private void requireCrossEntropy() {
        if (!crossEntropy) {
            throw new IllegalStateException("Perplexity is exp of a cross-entropy; this model's output layer has another "
                    + "loss (for example MSE), whose mean per predicted step is loss() (or metric())");
        }
    }
}
