package org.deeprnn.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The forward and backward pass of one minibatch, as the {@code Trainer} needs it: the raw gradient,
 * summed over every predicted token, written into the network's flattened gradient view
 * ({@code net.gradient().gradient()}), and the summed loss returned.
 * <p>
 * Three engines implement it ({@link Engine}); {@link NetworkReading} says which of them can train a network and why
 * the others cannot, and {@code org.deeprnn.engine.choice.EngineChoice} picks the first that can, in the order
 * oneDNN, fused, DL4J. docs/environment.md ("Gradient engines") describes what each one trains. A masked batch goes to
 * DL4J's engine; carried state with an engine whose gradient would not be that of the loss is refused before training.
 * An engine is closed when its {@code fit} ends ({@link #close}).
 */
public interface BatchGradient extends AutoCloseable {

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

    /**
     * The loss {@link #compute} returns for {@code batch}, but from a zero state and with dropout off (validation
     * between epochs); what it leaves in the gradient view and the carried state is unspecified until the next
     * {@link #resetState}. By default {@link #resetState} then {@link #compute}, for engines without dropout.
     */
    default double evaluate(MultiLayerNetwork net, DataSet batch) {
        resetState(net);
        return compute(net, batch);
    }

    /** Forgets the carried hidden state (start of an epoch). */
    void resetState(MultiLayerNetwork net);

    /** Undoes whatever {@link #prepare} changed in the network. */
    void finish(MultiLayerNetwork net);

    /** Whether {@link #compute} accepts batches with feature or label masks; by default not (the fast engines). */
    default boolean handlesMasks() {
        return false;
    }

    /**
     * Null when, with the state carried across batches, this engine's gradient of {@code net} is the gradient of the
     * loss it reports; otherwise why not. By default null: the fast engines start a batch from the carried state and
     * hold it fixed in the gradient.
     */
    default String carriedStateProblem(MultiLayerNetwork net) {
        return null;
    }

    /** Releases what the engine holds outside the Java heap (oneDNN's primitives and memories); nothing by default. */
    @Override
    default void close() {
    }
}
