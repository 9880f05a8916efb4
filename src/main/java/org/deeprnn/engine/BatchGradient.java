package org.deeprnn.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The forward and backward pass of one minibatch, as the {@code Trainer} needs it: the raw gradient,
 * summed over every predicted token, written into the network's flattened gradient view
 * ({@code net.gradient().gradient()}), and the summed loss returned.
 * <p>
 * The engines, and which gradient each computes:
 * <ul>
 *   <li>{@code org.deeprnn.engine.onednn.OneDnnGradient}: the networks the fused engine handles, in FLOAT,
 *   on oneDNN's RNN primitives where its natives load (Linux x86-64, CPU backend). Exact in the same sense:
 *   the same loss and gradient as the fused engine to float precision, carried state included. It also
 *   takes DL4J's {@code Dropout} with a fixed retain probability on the inputs of the recurrent layers above
 *   the first ({@code DeepRnnBuilder.dropout}), applied in {@link #compute} as DL4J does, with masks from
 *   ND4J's generator, and left out by {@link #evaluate}; other dropout, and dropout elsewhere, it refuses.</li>
 *   <li>{@link FusedRnnGradient}: stacks of DL4J {@code LSTM}, {@code SimpleRnn} and the project's
 *   {@code GRU} (not layer-normalised) under an {@code RnnOutputLayer}, no masks, dropout (of any kind: networks
 *   with dropout go to the oneDNN engine, or to DL4J's where it is unavailable) or regularisation. Exact: the
 *   gradient of the reported loss, also when the state is carried across batches (the incoming state
 *   held fixed). Matrix products run on OpenBLAS on the CPU backend and through ND4J on any other
 *   ({@link FusedRnnGradient#portable()}).</li>
 *   <li>{@link Dl4jBatchGradient}: DL4J's own backpropagation, any network, masks included. Exact
 *   when every batch starts from zero. With carried state it is exact only for stacks whose recurrent
 *   layers are all the project's GRU: DL4J's LSTM drops the stored state from the first step's
 *   gradient and its SimpleRnn recomputes the forward pass without it
 *   ({@link #carriedStateProblem} says so).</li>
 * </ul>
 * The {@code Trainer} chooses per network and data: the oneDNN engine when it is available and handles
 * the network, else the fused engine when it handles the network, DL4J's otherwise; a masked batch goes to DL4J's engine; carried state with an engine whose gradient
 * would not be that of the loss is refused before training starts.
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

    /** Whether {@link #compute} accepts batches with feature or label masks. */
    boolean handlesMasks();

    /**
     * Null when, with the state carried across batches, this engine's gradient of {@code net} is the
     * gradient of the loss it reports; otherwise why not.
     */
    String carriedStateProblem(MultiLayerNetwork net);
}
