package org.deeprnn.train;

import org.deeprnn.check.Require;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping as d2l does it (notebook 3, "Training"): treat the gradients of all parameters
 * as one vector g and, when its L2 norm exceeds theta, scale it to g * theta / ||g||. The
 * direction is kept; only the step length is bounded. DL4J's own {@code GradientNormalization}
 * options act per layer or per parameter type instead, which bounds each block separately.
 */
public final class GlobalNormClipping {
    private GlobalNormClipping() {
    }

    /**
     * Clips the flattened gradient of a whole network in place.
     *
     * @param gradient all gradients as one array (e.g. {@code net.gradient().gradient()})
     * @param theta    the largest norm allowed, positive
     * @return the norm before clipping; when it is NaN or infinite the gradient is left as it is (there
     *         is no direction to keep) and the caller must not step along it
     */
    public static double clip(INDArray gradient, double theta) {
        Require.positiveFinite("The clipping threshold theta", theta);
        double norm = gradient.norm2Number().doubleValue();
        if (norm > theta && Double.isFinite(norm)) {
            gradient.muli(theta / norm);
        }
        return norm;
    }
}
