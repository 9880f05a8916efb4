package org.deeprnn.train;

/**
 * The level a language model sits on before it has learned anything about order, usually the perplexity of the
 * character frequencies ({@code org.deeprnn.text.CharacterFrequencies}), and when a run leaves it: the first epoch
 * whose validation perplexity (training perplexity if there is none) is below the plateau by at least
 * {@code margin}. How long a setting takes to leave the plateau is a result of its own: a deeper stack can need
 * many more updates before it starts to learn, and a fixed budget that ends before then measures the budget.
 *
 * @param perplexity the plateau's perplexity
 * @param margin     how far below it counts as left (perplexity units), at least 0
 */
public record Plateau(double perplexity, double margin) {

    public Plateau {
        if (!(perplexity > 1) || Double.isInfinite(perplexity)) {
            throw new IllegalArgumentException("A plateau's perplexity must be a finite number above 1, got " + perplexity);
        }
        if (!(margin >= 0) || margin >= perplexity - 1) {
            throw new IllegalArgumentException("The margin must be at least 0 and leave a level above perplexity 1, got " + margin
                    + " for a plateau at " + perplexity);
        }
    }

    /** The first epoch (counted from 1) below {@code perplexity - margin}, or -1 if the run never got there. */
    public int leftAtEpoch(TrainingResult result) {
        for (EpochResult e : result.epochs()) {
            double p = e.hasValidation() ? e.validationPerplexity() : e.perplexity();
            if (p < perplexity - margin) {
                return e.epoch();
            }
        }
        return -1;
    }

    /**
     * Parameter updates until the plateau was left, counting whole epochs of {@code updatesPerEpoch} minibatches, or -1.
     *
     * @throws IllegalArgumentException if {@code updatesPerEpoch} is below 1
     */
    public long updatesToLeave(TrainingResult result, int updatesPerEpoch) {
        if (updatesPerEpoch < 1) {
            throw new IllegalArgumentException("updatesPerEpoch must be at least 1 (the minibatches of one epoch), got " + updatesPerEpoch);
        }
        int epoch = leftAtEpoch(result);
        return epoch < 0 ? -1 : (long) epoch * updatesPerEpoch;
    }
}
