package org.deeprnn.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

/**
 * Refuses a network whose weights hold NaN or infinite values before it is used: its softmax is then NaN
 * and argmax picks index 0, so generated text would be a row of {@code <unk>} with no word of why.
 */
public final class FiniteWeights {
    private FiniteWeights() {
    }

    /**
     * @param use what the network was about to do, for the message (e.g. "generate text")
     * @throws IllegalArgumentException naming the first layer with non-finite weights and how many there are
     */
    public static void require(MultiLayerNetwork net, String use) {
        INDArray all = net.params();
        if (count(all) == 0) {
            return;
        }
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            long bad = layer.numParams() == 0 ? 0 : count(layer.params());
            if (bad > 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "Cannot %s: %,d of the %,d weights of layer %d "
                        + "(%s) are NaN or infinite (%,d in the whole network). The network comes from a training that "
                        + "diverged or from a damaged file: train it again (lower learning rate, clipping) or load a good copy",
                        use, bad, layer.numParams(), i, layer.getClass().getSimpleName(), count(all)));
            }
        }
    }

    private static long count(INDArray a) {
        return a.isNaN().castTo(DataType.INT64).sumNumber().longValue() + a.isInfinite().castTo(DataType.INT64).sumNumber().longValue();
    }
}
