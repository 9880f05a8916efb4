package org.deeprnn.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Consumer;

/**
 * The part of d2l's step that every model the {@link Trainer} trains shares, DL4J network or
 * {@link Trainable}: the gradient of the loss summed over a batch becomes that of the mean per predicted
 * token, its global norm is clipped, and it is applied only when loss and norm are finite.
 *
 * @param clipTheta the largest global norm, or 0 for no clipping
 */
record ClippedStep(double clipTheta) {

    /**
     * @param gradient the gradient of {@code lossSum}, all parameters as one flat vector, changed in place
     * @param scaled   run once the gradient is scaled per token, before clipping (DL4J's listeners hear it there)
     * @param apply    takes the scaled, clipped gradient; not called when loss or norm is NaN or infinite
     */
    EpochLoop.Step take(double lossSum, INDArray gradient, long tokens, Runnable scaled, Consumer<INDArray> apply) {
        gradient.divi(tokens);
        scaled.run();
        double norm = clipTheta > 0 ? GlobalNormClipping.clip(gradient, clipTheta) : gradient.norm2Number().doubleValue();
        EpochLoop.Step step = new EpochLoop.Step(lossSum, norm);
        if (step.finite()) {
            apply.accept(gradient);
        }
        return step;
    }
}
