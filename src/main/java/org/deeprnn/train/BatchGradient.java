package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The forward and backward pass of one minibatch, as the {@link Trainer} needs it (section
 * "Training"): the raw gradient, summed over every predicted token, written into the network's
 * flattened gradient view ({@code net.gradient().gradient()}), and the summed loss (the
 * cross-entropy for the language models) returned. Implementations differ in speed only, never in what they compute.
 */
public interface BatchGradient {

    /**
     * Called once before training starts: {@code carryState} says whether every batch continues
     * the sequences of the one before (sequential partitioning) and {@code numSteps} how long they are.
     */
    void prepare(MultiLayerNetwork net, boolean carryState, int numSteps);

    /**
     * Computes the gradient of one batch. With state carrying, the batch starts from the final
     * hidden state of the previous call (detached: no gradient flows into the previous batch);
     * otherwise, and after {@link #resetState}, from zeros.
     *
     * @return the loss summed over all predicted tokens of the batch (for DL4J's MSE, each token's loss
     *         is its squared error averaged over the output columns)
     */
    double compute(MultiLayerNetwork net, DataSet batch);

    /** Forgets the carried hidden state (start of an epoch). */
    void resetState(MultiLayerNetwork net);

    /** Undoes whatever {@link #prepare} changed in the network. */
    void finish(MultiLayerNetwork net);
}
