package org.deeprnn.analysis;

import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.series.RegimeParameters;
import org.deeprnn.series.RegimeSeries;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.series.RegimeSeries.Split;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProbeTableTest {
    static final RegimeParameters P = RegimeParameters.defaults().withSequences(6, 4, 60);
    static final int WARMUP = 10;

    static INDArray features(List<RegimeSeries> series) {
        INDArray x = Nd4j.create(DataType.FLOAT, series.size(), 1, P.steps());
        for (int s = 0; s < series.size(); s++) {
            double[] v = series.get(s).values();
            for (int t = 0; t < P.steps(); t++) {
                x.putScalar(new long[]{s, 0, t}, v[t] / 3);
            }
        }
        return x;
    }

    static List<RegimeSeries> cut(List<RegimeSeries> series) {
        List<RegimeSeries> out = new ArrayList<>();
        for (RegimeSeries s : series) { // the parts at the input steps, as the truth files hold them
            int n = P.steps();
            out.add(RegimeSeries.of(java.util.Arrays.copyOf(s.regime(), n), java.util.Arrays.copyOf(s.slow(), n),
                    java.util.Arrays.copyOf(s.cycle(), n), java.util.Arrays.copyOf(s.fast(), n), java.util.Arrays.copyOf(s.noise(), n)));
        }
        return out;
    }

    @Test
    void partsAreProbedFromReferencesAndFromEveryLayer() {
        List<RegimeSeries> train = cut(RegimeSeries.generateAll(P, Split.TRAIN)), test = cut(RegimeSeries.generateAll(P, Split.TEST));
        Map<String, double[]> trainParts = ProbeTable.parts(train, WARMUP), testParts = ProbeTable.parts(test, WARMUP);
        assertEquals(ProbeTable.PARTS, List.copyOf(trainParts.keySet()));
        assertEquals(6 * (P.steps() - WARMUP), trainParts.get("fast").length);
        assertEquals(train.get(1).fast()[WARMUP + 2], trainParts.get("fast")[P.steps() - WARMUP + 2], 0.0, "row order: sequence, then step");

        ProbeTable table = new ProbeTable(trainParts, testParts, 1e-3);
        // the slow level itself as a feature reads the slow level off exactly
        table.add("slow level itself", column(trainParts.get("slow")), column(testParts.get("slow")));
        assertEquals(1.0, table.r2("slow level itself", "slow"), 1e-5, "up to the ridge penalty's shrinkage");
        assertEquals(1.0, table.strongestUnit("slow level itself", "slow").correlation(), 1e-9);

        MultiLayerNetwork net = new DeepRnnBuilder().layers(2).hiddenUnits(4).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).seed(1).network();
        table.addLayers("untrained", net, features(train), features(test), WARMUP);
        assertEquals(List.of("slow level itself", "untrained, layer 1", "untrained, layer 2"), table.rows());
        String text = table.toString();
        assertTrue(text.contains("untrained, layer 2") && text.contains("regime") && text.contains("R^2"), text);
        assertThrows(IllegalArgumentException.class, () -> table.r2("untrained, layer 3", "fast"));
        assertThrows(IllegalArgumentException.class, () -> table.add("untrained, layer 1", column(trainParts.get("slow")),
                column(testParts.get("slow"))));
    }

    static double[][] column(double[] v) {
        double[][] x = new double[v.length][1];
        for (int i = 0; i < v.length; i++) {
            x[i][0] = v[i];
        }
        return x;
    }
}
