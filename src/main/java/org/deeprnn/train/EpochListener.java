package org.deeprnn.train;

/**
 * Called by {@link Trainer} after every epoch, e.g. to redraw a live perplexity chart in a notebook.
 */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(EpochResult result, int totalEpochs);
}
