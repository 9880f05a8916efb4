package org.deeprnn.train;

/**
 * What one training epoch measured (section "Training"): training perplexity, exp of the mean
 * cross-entropy per predicted token; validation perplexity when a validation set was given, NaN
 * otherwise; throughput; and the largest global gradient norm seen before clipping.
 */
public record EpochResult(int epoch, double perplexity, double validationPerplexity, long tokens,
                          double trainSeconds, double maxGradientNorm) {

    /** Training tokens predicted per second of training time (validation excluded). */
    public double tokensPerSecond() {
        return tokens / trainSeconds;
    }

    public boolean hasValidation() {
        return !Double.isNaN(validationPerplexity);
    }
}
