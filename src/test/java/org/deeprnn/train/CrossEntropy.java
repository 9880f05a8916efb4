package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.Map;

/** Test helper: cross-entropy summed over every predicted token, computed from a network's softmax outputs. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** -sum(labels * log(probabilities)) over all rows, classes and steps. */
    public static double summed(INDArray probabilities, INDArray labels) {
        return -Transforms.log(probabilities, true).mul(labels).sumNumber().doubleValue();
    }

    /** The summed cross-entropy of {@code ds} from a zero state, dropout off. */
    public static double summed(MultiLayerNetwork net, DataSet ds) {
        return summed(net.output(ds.getFeatures(), false), ds.getLabels());
    }

    /** The summed cross-entropy of {@code ds} when every recurrent layer starts from {@code state} (DL4J's rnnTimeStep). */
    public static double fromState(MultiLayerNetwork net, Map<Integer, Map<String, INDArray>> state, DataSet ds) {
        net.rnnClearPreviousState();
        state.forEach((layer, m) -> {
            Map<String, INDArray> copy = new HashMap<>();
            m.forEach((k, v) -> copy.put(k, v.dup()));
            net.rnnSetPreviousState(layer, copy);
        });
        INDArray p = net.rnnTimeStep(ds.getFeatures());
        net.rnnClearPreviousState();
        return summed(p, ds.getLabels());
    }
}
