package org.deeprnn.model;

import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What the {@code RnnOutputLayer} on top of a deep RNN predicts at every step: a distribution over
 * a vocabulary (the language models of notebooks 2 and 3) or real values (the time-series
 * regression of notebook 4, "The models").
 */
public enum OutputMode {
    /** Softmax over the vocabulary, trained with cross-entropy (DL4J's MCXENT); the trainer reports perplexity. */
    SOFTMAX_CROSS_ENTROPY(Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT),
    /**
     * The affine output O_t = H_t W_hq + b_q itself, trained with mean squared error (DL4J's MSE,
     * which averages the squared errors over the output columns); the trainer reports that loss.
     */
    IDENTITY_MSE(Activation.IDENTITY, LossFunctions.LossFunction.MSE);

    private final Activation activation;
    private final LossFunctions.LossFunction loss;

    OutputMode(Activation activation, LossFunctions.LossFunction loss) {
        this.activation = activation;
        this.loss = loss;
    }

    public Activation activation() {
        return activation;
    }

    public LossFunctions.LossFunction loss() {
        return loss;
    }
}
