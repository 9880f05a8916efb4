package org.deeprnn.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * Why an engine cannot train a network: the {@link Kind} that tests and callers decide on, and a sentence naming the
 * layer and the setting for people ({@link NetworkReading} finds them).
 */
public record Obstacle(Kind kind, String detail) {

    /** What stands in the way, and which engines it rules out. */
    public enum Kind {
        /** {@code init()} was never called: there are no parameters to read. */
        NOT_INITIALISED(Engine.ONEDNN, Engine.FUSED),
        /** A {@code ComputationGraph} (the residual models): the fast engines train stacks only. */
        GRAPH(Engine.ONEDNN, Engine.FUSED),
        /** The configuration asks DL4J for truncated BPTT, which the trainer does itself. */
        TRUNCATED_BPTT(Engine.ONEDNN, Engine.FUSED),
        /** A layer type, layer count, width, input preprocessor, data format or output bias the fast engines do not reproduce. */
        STRUCTURE(Engine.ONEDNN, Engine.FUSED),
        /** An activation other than tanh/sigmoid in the cells, softmax or identity at the output. */
        ACTIVATION(Engine.ONEDNN, Engine.FUSED),
        /** A loss other than unweighted cross-entropy or MSE. */
        LOSS(Engine.ONEDNN, Engine.FUSED),
        /** Layer normalisation (the project's GRU or DL4J's SimpleRnn). */
        LAYER_NORM(Engine.ONEDNN, Engine.FUSED),
        /** Weight noise or L1/L2/weight-decay regularisation: the returned loss would lack its term. */
        REGULARISATION(Engine.ONEDNN, Engine.FUSED),
        /** DL4J's plain {@code Dropout} on the inputs of recurrent layers above the first: only the oneDNN engine applies it. */
        DROPOUT(Engine.FUSED),
        /** Any other dropout (another type, a schedule, another place): only DL4J's engine applies it. */
        UNSUPPORTED_DROPOUT(Engine.ONEDNN, Engine.FUSED),
        /** A data type other than FLOAT and DOUBLE. */
        DATA_TYPE(Engine.ONEDNN, Engine.FUSED),
        /** DOUBLE parameters: oneDNN's primitives run FLOAT only. */
        NOT_FLOAT(Engine.ONEDNN),
        /** A parameter that is not one column-major run of floats, which oneDNN's weight copies need. */
        PARAMETER_LAYOUT(Engine.ONEDNN),
        /** oneDNN's natives do not load here, or ND4J does not run on its CPU backend. */
        NATIVES(Engine.ONEDNN),
        /**
         * With the state carried across batches, DL4J's gradient of a recurrent layer other than the project's GRU
         * starts from a zero state, so it is not the gradient of the reported loss: rules out DL4J's engine for
         * sequential partitioning only.
         */
        CARRIED_STATE(Engine.DL4J);

        private final Set<Engine> rulesOut;

        Kind(Engine first, Engine... more) {
            this.rulesOut = EnumSet.of(first, more);
        }

        /** Whether this kind of obstacle keeps {@code engine} from training the network. */
        public boolean rulesOut(Engine engine) {
            return rulesOut.contains(engine);
        }
    }

    @Override
    public String toString() {
        return detail;
    }
}
