package org.deeprnn.engine;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.fixtures.Stacks;
import org.deeprnn.layer.GRU;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.train.CrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.deeprnn.fixtures.EngineFixtures.obstacleKinds;
import static org.deeprnn.fixtures.GradientChecks.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FusedRnnGradient computes what DL4J's backprop computes: the summed loss and every element of
 * the raw gradient, for 1 to 3 layers of LSTM, SimpleRnn, GRU and mixes of them, with and without
 * the state carried over several batches.
 */
class FusedRnnGradientTest {
    private static final int VOCAB = 7, HIDDEN = 6, BATCH = 4, STEPS = 5;

    private static MultiLayerNetwork network(CellType cell, int layers, DataType type, long seed) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(HIDDEN)
                .vocabSize(VOCAB).seed(seed).updater(new Sgd(0.5)).dataType(type).network();
        return net;
    }

    private static MultiLayerNetwork stack(String cells, DataType type, long seed) {
        return Stacks.of(cells, VOCAB, HIDDEN, type, seed, l -> null);
    }

    private static DataSet batch(Random r, DataType type) {
        return RandomBatches.oneHot(r, type, BATCH, VOCAB, STEPS);
    }

    /**
     * Runs both engines over the same batches on two copies of one network (no updates in between)
     * and compares the loss and the whole flattened gradient after every batch.
     */
    private static void compareOverBatches(CellType cell, int layers, DataType type, boolean carry, int batches, double tol) {
        compareOverBatches(cell + " L=" + layers, () -> network(cell, layers, type, 12345), type, carry, batches, tol);
    }

    /** As above, for two networks from {@code factory}, which must give identical ones. */
    private static void compareOverBatches(String what, Supplier<MultiLayerNetwork> factory, DataType type, boolean carry,
                                   int batches, double tol) {
        MultiLayerNetwork ref = factory.get();
        MultiLayerNetwork fast = factory.get();
        assertEquals(0.0, Transforms.abs(ref.params().sub(fast.params())).maxNumber().doubleValue(), "same seed, same parameters");
        BatchGradient dl4j = new Dl4jBatchGradient();
        BatchGradient fused = new FusedRnnGradient();
        dl4j.prepare(ref, carry, STEPS);
        fused.prepare(fast, carry, STEPS);
        Random r = new Random(99);
        for (int k = 0; k < batches; k++) {
            DataSet ds = batch(r, type);
            double lossRef = dl4j.compute(ref, ds);
            double lossFast = fused.compute(fast, ds);
            INDArray gRef = ref.gradient().gradient();
            INDArray gFast = fast.gradient().gradient();
            assertEquals(fast.getFlattenedGradients().data().addressPointer().address(), gFast.data().addressPointer().address(),
                    "the gradient lands in DL4J's flattened gradient view");
            assertEquals(lossRef, lossFast, tol * Math.abs(lossRef), what + " batch " + k + ": loss");
            double rel = relativeDifference(gFast, gRef);
            assertTrue(rel <= tol, what + " carry=" + carry + " batch " + k + ": gradient differs by " + rel);
        }
        dl4j.finish(ref);
        fused.finish(fast);
    }

    @ParameterizedTest(name = "LSTM, {0} layer(s), DOUBLE")
    @CsvSource({"1", "2", "3"})
    void lstmMatchesDl4jInDouble(int layers) {
        compareOverBatches(CellType.LSTM, layers, DataType.DOUBLE, false, 3, 1e-10);
    }

    @ParameterizedTest(name = "LSTM, {0} layer(s), FLOAT")
    @CsvSource({"1", "2", "3"})
    void lstmMatchesDl4jInFloat(int layers) {
        compareOverBatches(CellType.LSTM, layers, DataType.FLOAT, false, 3, 2e-5);
    }

    @ParameterizedTest(name = "{0}, {1} layer(s): first batch of a carried sequence")
    @CsvSource({"LSTM,1", "LSTM,2", "LSTM,3", "SIMPLE_RNN,2"})
    void firstCarriedBatchMatchesDl4j(CellType cell, int layers) {
        compareOverBatches(cell, layers, DataType.DOUBLE, true, 1, 1e-10);
    }

    /**
     * A smaller last batch (notebook 5: 10,000 windows at batch 1,024) reuses the working memory of the
     * full batches and gives bit for bit the loss and gradient a fresh engine gives on it alone; the
     * next full batch allocates nothing either.
     */
    @ParameterizedTest(name = "{0}: smaller last batch")
    @CsvSource({"LSTM", "GRU", "SIMPLE_RNN", "GRU LSTM SIMPLE_RNN"})
    void smallerLastBatchReusesTheBuffersAndGivesTheSameGradient(String cells) {
        MultiLayerNetwork reused = stack(cells, DataType.DOUBLE, 55), fresh = stack(cells, DataType.DOUBLE, 55);
        FusedRnnGradient engine = new FusedRnnGradient(), reference = new FusedRnnGradient();
        engine.prepare(reused, false, STEPS);
        reference.prepare(fresh, false, STEPS);
        Random r = new Random(21);
        DataSet full = batch(r, DataType.DOUBLE), last = batch(r, DataType.DOUBLE);
        last = new DataSet(last.getFeatures().get(NDArrayIndex.interval(0, BATCH - 1)).dup(),
                last.getLabels().get(NDArrayIndex.interval(0, BATCH - 1)).dup());
        engine.compute(reused, full);
        int allocations = engine.bufferAllocations();
        assertTrue(allocations > 0);
        double loss = engine.compute(reused, last);
        double expected = reference.compute(fresh, last);
        assertEquals(expected, loss, 0.0, "loss of the smaller batch");
        assertArrayEquals(fresh.gradient().gradient().toDoubleVector(), reused.gradient().gradient().toDoubleVector(),
                "gradient of the smaller batch, bit for bit");
        engine.compute(reused, full);
        assertEquals(allocations, engine.bufferAllocations(), "buffers allocated after the first full batch");
        assertEquals(allocations, reference.bufferAllocations(), "the same buffers as a fresh engine's");
    }

    /**
     * With the state carried into a second batch, the gradient is that of the batch's loss with the
     * incoming state held fixed (detached). Checked against central differences in DOUBLE for every
     * parameter block of every layer, since DL4J's own TBPTT gradient does not satisfy this (below).
     */
    @ParameterizedTest(name = "{0}, {1} layer(s): carried state, finite differences")
    @CsvSource({"LSTM,1", "LSTM,2", "LSTM,3", "SIMPLE_RNN,1", "SIMPLE_RNN,2"})
    void carriedStateGradientMatchesFiniteDifferences(CellType cell, int layers) {
        Random r = new Random(5);
        carriedStateMatchesFiniteDifferences(cell + " L=" + layers, () -> network(cell, layers, DataType.DOUBLE, 777),
                net -> new Random(3).longs(40, 0, net.params().length()).toArray(), new FusedRnnGradient(),
                batch(r, DataType.DOUBLE), batch(r, DataType.DOUBLE));
    }

    /**
     * Pins down why the carried-state comparison above is against finite differences and not DL4J:
     * DL4J's gradient for the second batch (TBPTT with the stored state, as Dl4jBatchGradient uses it)
     * reports the right loss but a gradient that is not the gradient of that loss. Should a later DL4J
     * fix this, this test fails and the carried-state cases can be compared with DL4J directly.
     */
    @Test
    void dl4jCarriedStateLstmGradientIsNotTheGradientOfItsLoss() {
        MultiLayerNetwork ref = network(CellType.LSTM, 1, DataType.DOUBLE, 12345);
        MultiLayerNetwork fast = network(CellType.LSTM, 1, DataType.DOUBLE, 12345);
        Dl4jBatchGradient dl4j = new Dl4jBatchGradient();
        FusedRnnGradient fused = new FusedRnnGradient();
        dl4j.prepare(ref, true, STEPS);
        fused.prepare(fast, true, STEPS);
        Random r = new Random(99);
        DataSet first = batch(r, DataType.DOUBLE), second = batch(r, DataType.DOUBLE);
        dl4j.compute(ref, first);
        fused.compute(fast, first);
        double lossRef = dl4j.compute(ref, second);
        double lossFast = fused.compute(fast, second);
        assertEquals(lossRef, lossFast, 1e-10 * lossRef, "both report the same loss");
        double rel = relativeDifference(fast.gradient().gradient(), ref.gradient().gradient());
        System.out.printf("DL4J vs fused gradient, second carried batch: relative difference %.3g%n", rel);
        assertTrue(rel > 1e-3, "DL4J's carried-state gradient now agrees with the fused one (" + rel + "): DL4J was fixed");
        dl4j.finish(ref);
    }

    private static MultiLayerNetwork regression(CellType cell, int layers, int outputs, DataType type, long seed) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(HIDDEN)
                .inputSize(2).outputSize(outputs).output(OutputMode.IDENTITY_MSE).seed(seed).updater(new Sgd(0.5))
                .dataType(type).network();
        return net;
    }

    /** The identity/MSE output of notebook 4's regression models: the same loss and gradient as DL4J's backprop. */
    @ParameterizedTest(name = "{0}, {1} layer(s), {2} output(s), DOUBLE, MSE")
    @CsvSource({"LSTM,1,1", "LSTM,2,1", "LSTM,3,1", "LSTM,2,3", "SIMPLE_RNN,2,1", "GRU,1,3", "GRU,2,1"})
    void meanSquaredErrorOutputMatchesDl4j(CellType cell, int layers, int outputs) {
        MultiLayerNetwork ref = regression(cell, layers, outputs, DataType.DOUBLE, 77);
        MultiLayerNetwork fast = regression(cell, layers, outputs, DataType.DOUBLE, 77);
        assertEquals(Set.of(), obstacleKinds(fast, Engine.FUSED));
        BatchGradient dl4j = new Dl4jBatchGradient();
        BatchGradient fused = new FusedRnnGradient();
        dl4j.prepare(ref, false, STEPS);
        fused.prepare(fast, false, STEPS);
        Nd4j.getRandom().setSeed(5);
        for (int k = 0; k < 2; k++) {
            DataSet ds = new DataSet(Nd4j.randn(DataType.DOUBLE, BATCH, 2, STEPS), Nd4j.randn(DataType.DOUBLE, BATCH, outputs, STEPS));
            double lossRef = dl4j.compute(ref, ds);
            double lossFast = fused.compute(fast, ds);
            assertEquals(lossRef, lossFast, 1e-10 * Math.abs(lossRef), "batch " + k + ": loss");
            double rel = relativeDifference(fast.gradient().gradient(), ref.gradient().gradient());
            assertTrue(rel <= 1e-10, "batch " + k + ": gradient differs by " + rel);
        }
        dl4j.finish(ref);
        fused.finish(fast);
    }

    @Test
    void otherOutputsAreRejectedWithTheReason() {
        MultiLayerConfiguration tanhMse = new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(2).nOut(3).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.TANH).nIn(3).nOut(1).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(tanhMse);
        net.init();
        assertEquals(List.of(new Obstacle(Obstacle.Kind.ACTIVATION, "output layer: activation tanh with MSE; only identity is supported")),
                NetworkReading.of(net).obstacles(Engine.FUSED, false));
        MultiLayerConfiguration l1 = new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(2).nOut(3).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.L1).activation(Activation.IDENTITY).nIn(3).nOut(1).build())
                .build();
        MultiLayerNetwork other = new MultiLayerNetwork(l1);
        other.init();
        assertEquals(Set.of(Obstacle.Kind.LOSS), obstacleKinds(other, Engine.FUSED));
        assertEquals(Set.of(Obstacle.Kind.LOSS), obstacleKinds(other, Engine.ONEDNN));
    }

    @ParameterizedTest(name = "SimpleRnn, {0} layer(s), DOUBLE")
    @CsvSource({"1", "2", "3"})
    void simpleRnnMatchesDl4jWithoutCarriedState(int layers) {
        compareOverBatches(CellType.SIMPLE_RNN, layers, DataType.DOUBLE, false, 2, 1e-10);
    }

    @ParameterizedTest(name = "GRU, {0} layer(s), DOUBLE")
    @CsvSource({"1", "2"})
    void gruMatchesDl4jInDouble(int layers) {
        compareOverBatches(CellType.GRU, layers, DataType.DOUBLE, false, 3, 1e-10);
    }

    @ParameterizedTest(name = "GRU, {0} layer(s), FLOAT")
    @CsvSource({"1", "2"})
    void gruMatchesDl4jInFloat(int layers) {
        compareOverBatches(CellType.GRU, layers, DataType.FLOAT, false, 3, 2e-5);
    }

    /** GRUs below and above DL4J's cells: the gradients passed between the layers are right in both directions. */
    @ParameterizedTest(name = "{0}, DOUBLE")
    @CsvSource({"GRU LSTM", "LSTM GRU", "GRU LSTM GRU", "SIMPLE_RNN GRU"})
    void mixedStacksWithGruMatchDl4j(String cells) {
        compareOverBatches(cells, () -> stack(cells, DataType.DOUBLE, 4321), DataType.DOUBLE, false, 3, 1e-10);
    }

    /**
     * The project's GRU layer, unlike DL4J's cells, differentiates from the carried state, so a GRU
     * stack's DL4J path is the right reference on every batch of a carried sequence, not only the first.
     */
    @ParameterizedTest(name = "GRU, {0} layer(s): carried state over several batches")
    @CsvSource({"1", "2"})
    void gruCarriedStateMatchesTheGruLayersOwnGradient(int layers) {
        compareOverBatches(CellType.GRU, layers, DataType.DOUBLE, true, 4, 1e-10);
    }

    @ParameterizedTest(name = "{0}: carried state, finite differences in every parameter array")
    @CsvSource({"GRU", "GRU GRU", "GRU LSTM", "LSTM GRU SIMPLE_RNN"})
    void gruStacksWithCarriedStateMatchFiniteDifferences(String cells) {
        Random r = new Random(5);
        carriedStateMatchesFiniteDifferences(cells, () -> stack(cells, DataType.DOUBLE, 777), net -> inEveryParameterArray(net, 15),
                new FusedRnnGradient(), batch(r, DataType.DOUBLE), batch(r, DataType.DOUBLE));
    }

    @Test
    void describeNamesEveryCell() {
        FusedRnnGradient fused = new FusedRnnGradient();
        fused.prepare(stack("GRU LSTM SIMPLE_RNN", DataType.FLOAT, 1), false, STEPS);
        assertEquals("GRU(7->6), LSTM(6->6), SimpleRnn(6->6), output(6->7); " + FusedRnnGradient.defaultProducts(), fused.describe());
        FusedRnnGradient portable = FusedRnnGradient.portable();
        portable.prepare(stack("LSTM", DataType.FLOAT, 1), false, STEPS);
        assertTrue(portable.describe().endsWith("; ND4J products (any backend)"), portable.describe());
    }
}
