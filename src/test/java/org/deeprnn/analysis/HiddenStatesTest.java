package org.deeprnn.analysis;

import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HiddenStatesTest {
    static MultiLayerNetwork network(int layers) {
        MultiLayerNetwork net = new DeepRnnBuilder().layers(layers).hiddenUnits(5).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).dataType(DataType.DOUBLE).seed(3).network();
        return net;
    }

    @Test
    void oneMatrixPerRecurrentLayerWithARowPerSequenceAndStepAfterTheWarmup() {
        MultiLayerNetwork net = network(3);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 1, 7);
        List<double[][]> states = HiddenStates.collect(net, x, 3);
        assertEquals(3, states.size());
        List<INDArray> acts = net.feedForward(x, false);
        for (int l = 0; l < 3; l++) {
            double[][] rows = states.get(l);
            assertEquals(2 * 4, rows.length);
            assertEquals(5, rows[0].length);
            // row 5 = sequence 1, step 3 + 1 = 4
            assertEquals(acts.get(l + 1).getDouble(1, 2, 4), rows[5][2], 1e-12);
            assertEquals(acts.get(l + 1).getDouble(0, 4, 3), rows[0][4], 1e-12);
        }
    }

    @Test
    void quantitiesAndLaggedInputsFollowTheSameRowOrder() {
        List<double[]> seqs = List.of(new double[]{0, 1, 2, 3}, new double[]{10, 11, 12, 13});
        assertArrayEquals(new double[]{2, 3, 12, 13}, HiddenStates.rows(seqs, 2), 0);
        double[][] lagged = HiddenStates.laggedInputs(seqs, 3, 1);
        assertEquals(6, lagged.length);
        assertArrayEquals(new double[]{1, 0, 0}, lagged[0], 0, "zeros before the start");
        assertArrayEquals(new double[]{13, 12, 11}, lagged[5], 0, "the current value first");
        INDArray x = Nd4j.createFromArray(new double[][][]{{{0, 1, 2, 3}}, {{10, 11, 12, 13}}});
        double[][] fromArray = HiddenStates.laggedInputs(x, 3, 1);
        for (int i = 0; i < lagged.length; i++) {
            assertArrayEquals(lagged[i], fromArray[i], 0);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        MultiLayerNetwork net = network(1);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HiddenStates.collect(net, x, 4)).getMessage().contains("warmup"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HiddenStates.collect(net, Nd4j.zeros(DataType.DOUBLE, 1, 4), 0))
                .getMessage().contains("[sequences, inputs, steps]"));
        assertThrows(IllegalArgumentException.class, () -> HiddenStates.laggedInputs(List.of(new double[]{1, 2}), 0, 0));
    }
}
