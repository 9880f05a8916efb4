package org.deeprnn.engine;

/**
 * The three gradient engines, declared in the order the {@code Trainer} prefers them: the first one that can train
 * a network trains it ({@code org.deeprnn.engine.choice.EngineChoice}); DL4J's own backpropagation trains any network.
 */
public enum Engine {
    /** {@code org.deeprnn.engine.onednn.OneDnnGradient}: oneDNN's recurrent primitives, FLOAT stacks, where the natives load. */
    ONEDNN("OneDnnGradient"),
    /** {@link FusedRnnGradient}: the same stacks without dropout, FLOAT or DOUBLE, on OpenBLAS or ND4J's products. */
    FUSED("FusedRnnGradient"),
    /** {@link Dl4jBatchGradient}: DL4J's own backpropagation, any network and masks included. */
    DL4J("Dl4jBatchGradient");

    private final String className;

    Engine(String className) {
        this.className = className;
    }

    /** The simple name of the engine's class, as descriptions print it. */
    public String className() {
        return className;
    }
}
