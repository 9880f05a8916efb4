package org.deeprnn.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A model that is not a DL4J network but that the {@link Trainer} trains all the same, such as the
 * SameDiff deep RNN of notebook 5, "Exercises": the model computes a minibatch's loss and gradient and
 * moves its parameters; the trainer does the rest exactly as for a network (loss scale per predicted
 * token, global-norm clipping, progress lines, listeners and the stop on divergence), with plain SGD at
 * the trainer's learning rate since such a model has no DL4J updater. Every batch starts from a zero state.
 */
public interface Trainable {
    /** One minibatch's loss summed over its predicted tokens and that sum's gradient, all parameters as one flat vector. */
    record Batch(double lossSum, INDArray gradient) {
    }

    long numParams();

    /** The loss and gradient of {@code batch} from a zero state; the gradient may be changed in place by the caller. */
    Batch lossAndGradient(DataSet batch);

    /** Subtracts {@code step}, ordered as the gradients of {@link #lossAndGradient}, from the parameters. */
    void subtractFromParameters(INDArray step);

    /** The loss of {@code batch} summed over its predicted tokens, from a zero state (validation). */
    double lossSum(DataSet batch);

    /** True when the loss is a softmax cross-entropy, so that progress lines show a perplexity. */
    boolean crossEntropy();

    /** What computes the gradients, for {@link Trainer#describe(Trainable)}. */
    String gradientPath();
}
