package org.deeprnn.engine;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.fixtures.Stacks;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Random;

import static org.deeprnn.fixtures.GradientChecks.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fused engine with ND4J's products (the exact engine off the CPU backend) against the OpenBLAS one
 * and against finite differences, and the fused engine at the edges of its shapes.
 */
class EngineExactnessTest {
    private static final int VOCAB = 7, HIDDEN = 6, BATCH = 4, STEPS = 5;

    @ParameterizedTest(name = "{0}: portable engine against the OpenBLAS one, carried state, DOUBLE")
    @CsvSource({"LSTM", "SIMPLE_RNN", "GRU", "GRU LSTM SIMPLE_RNN", "LSTM LSTM LSTM"})
    void portableEngineMatchesTheOpenBlasOne(String cells) {
        assumeTrue(NativeGemm.unsupportedReason() == null, "needs OpenBLAS (CPU backend) for the reference: " + NativeGemm.unsupportedReason());
        MultiLayerNetwork a = stack(cells, DataType.DOUBLE, 21), b = stack(cells, DataType.DOUBLE, 21);
        BatchGradient openBlas = new FusedRnnGradient(), portable = FusedRnnGradient.portable();
        openBlas.prepare(a, true, STEPS);
        portable.prepare(b, true, STEPS);
        Random r = new Random(8);
        for (int k = 0; k < 3; k++) {
            DataSet ds = batch(r, DataType.DOUBLE);
            double la = openBlas.compute(a, ds), lb = portable.compute(b, ds);
            assertEquals(la, lb, 1e-12 * la, cells + " batch " + k + ": loss");
            double rel = relativeDifference(b.gradient().gradient(), a.gradient().gradient());
            assertTrue(rel <= 1e-10, cells + " batch " + k + ": gradient differs by " + rel);
        }
    }

    @ParameterizedTest(name = "{0}: portable engine, carried state, finite differences")
    @CsvSource({"LSTM LSTM", "SIMPLE_RNN SIMPLE_RNN", "GRU LSTM"})
    void portableEngineCarriedStateMatchesFiniteDifferences(String cells) {
        Random r = new Random(5);
        carriedStateMatchesFiniteDifferences(cells, () -> stack(cells, DataType.DOUBLE, 31), net -> inEveryParameterArray(net, 8),
                FusedRnnGradient.portable(), batch(r, DataType.DOUBLE), batch(r, DataType.DOUBLE));
    }

    @Test
    void carriedStateSurvivesAChangeInTheNumberOfSteps() {
        Random r = new Random(6);
        DataSet first = batch(r, DataType.DOUBLE);
        DataSet second = batch(r, DataType.DOUBLE);
        int shorter = STEPS - 2;
        DataSet cut = new DataSet(second.getFeatures().get(all(), all(), interval(shorter)).dup(),
                second.getLabels().get(all(), all(), interval(shorter)).dup());
        carriedStateMatchesFiniteDifferences("LSTM then GRU, " + STEPS + " then " + shorter + " steps",
                () -> stack("LSTM GRU", DataType.DOUBLE, 41), net -> inEveryParameterArray(net, 8), new FusedRnnGradient(), first, cut);
    }

    @ParameterizedTest(name = "{0}, batch {1}, hidden {2}: fused against DL4J")
    @CsvSource({"LSTM,1,6", "LSTM,4,1", "SIMPLE_RNN,1,1", "GRU,1,1", "GRU,4,1"})
    void edgeShapesMatchDl4j(CellType cell, int batch, int hidden) {
        MultiLayerNetwork ref = edge(cell, hidden), fast = edge(cell, hidden);
        BatchGradient dl4j = new Dl4jBatchGradient(), fused = new FusedRnnGradient();
        dl4j.prepare(ref, false, STEPS);
        fused.prepare(fast, false, STEPS);
        Random r = new Random(4);
        DataSet ds = RandomBatches.oneHot(r, DataType.DOUBLE, batch, VOCAB, STEPS);
        double lr = dl4j.compute(ref, ds), lf = fused.compute(fast, ds);
        assertEquals(lr, lf, 1e-10 * lr, "loss");
        double rel = relativeDifference(fast.gradient().gradient(), ref.gradient().gradient());
        assertTrue(rel <= 1e-10, "gradient differs by " + rel);
    }

    private static MultiLayerNetwork stack(String cells, DataType type, long seed) {
        return Stacks.of(cells, VOCAB, HIDDEN, type, seed, l -> null);
    }

    private static DataSet batch(Random r, DataType type) {
        return RandomBatches.oneHot(r, type, BATCH, VOCAB, STEPS);
    }

    private static MultiLayerNetwork edge(CellType cell, int hidden) {
        return new DeepRnnBuilder().cell(cell).layers(2).hiddenUnits(hidden).vocabSize(VOCAB).seed(3)
                .updater(new Sgd(0.5)).dataType(DataType.DOUBLE).network();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex interval(int to) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(0, to);
    }
}
