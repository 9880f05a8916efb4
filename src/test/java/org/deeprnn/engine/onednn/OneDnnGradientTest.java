package org.deeprnn.engine.onednn;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.fixtures.EngineFixtures;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.fixtures.Stacks;
import org.deeprnn.layer.GRU;
import org.deeprnn.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static org.deeprnn.fixtures.EngineFixtures.obstacleKinds;
import static org.deeprnn.fixtures.GradientChecks.relativeDifference;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oneDNN engine computes what the fused engine computes: the summed loss and every element of the
 * raw gradient, for each cell, 1 to 3 layers and mixes, from zero and with the state carried across batches.
 */
class OneDnnGradientTest {
    private static final int VOCAB = 7, BATCH = 4, STEPS = 5;
    private static final double FLOAT_TOLERANCE = 2e-5;

    @BeforeAll
    static void needsOneDnn() {
        EngineFixtures.assumeOneDnn();
    }

    /** A language model whose recurrent layers are {@code cells} from the bottom up, e.g. "GRU LSTM", every parameter shifted. */
    private static MultiLayerNetwork stack(String cells, int hidden, long seed) {
        return Stacks.shifted(Stacks.of(cells, VOCAB, hidden, DataType.FLOAT, seed, l -> null), seed);
    }

    private static DataSet batch(Random r, int batch, int steps) {
        return RandomBatches.oneHot(r, DataType.FLOAT, batch, VOCAB, steps);
    }

    /** Runs both engines over {@code batches} on two copies of one network and compares loss and gradient after each. */
    private static void compareWithFused(String what, Supplier<MultiLayerNetwork> factory, BatchGradient onednn, boolean carry,
                                 List<DataSet> batches) {
        MultiLayerNetwork ref = factory.get(), fast = factory.get();
        BatchGradient fused = new FusedRnnGradient();
        fused.prepare(ref, carry, STEPS);
        onednn.prepare(fast, carry, STEPS);
        for (int k = 0; k < batches.size(); k++) {
            DataSet ds = batches.get(k);
            double lr = fused.compute(ref, ds), lf = onednn.compute(fast, ds);
            assertEquals(lr, lf, FLOAT_TOLERANCE * Math.abs(lr), what + " batch " + k + ": loss");
            double rel = relativeDifference(fast.getFlattenedGradients(), ref.gradient().gradient());
            assertTrue(rel <= FLOAT_TOLERANCE, what + " batch " + k + ": gradient differs by " + rel);
        }
    }

    @ParameterizedTest(name = "{0}, carried state {1}: loss and gradient equal the fused engine's")
    @CsvSource({"LSTM,false", "LSTM,true", "LSTM LSTM,true", "LSTM LSTM LSTM,true",
            "GRU,false", "GRU,true", "GRU GRU,true", "GRU GRU GRU,true",
            "RNN,false", "RNN,true", "RNN RNN,true", "RNN RNN RNN,true",
            "GRU LSTM RNN,true", "RNN GRU,false", "LSTM GRU,true"})
    void equalsTheFusedEngine(String cells, boolean carry) {
        MultiLayerNetwork ref = stack(cells, 6, 12), fast = stack(cells, 6, 12);
        BatchGradient fused = new FusedRnnGradient(), onednn = OneDnnGradient.withThreads(2);
        fused.prepare(ref, carry, STEPS);
        onednn.prepare(fast, carry, STEPS);
        Random r = new Random(99);
        for (int k = 0; k < 3; k++) {
            DataSet ds = batch(r, BATCH, STEPS);
            double lr = fused.compute(ref, ds), lf = onednn.compute(fast, ds);
            assertEquals(lr, lf, FLOAT_TOLERANCE * lr, cells + " batch " + k + ": loss");
            double rel = relativeDifference(fast.gradient().gradient(), ref.gradient().gradient());
            assertTrue(rel <= FLOAT_TOLERANCE, cells + " carry=" + carry + " batch " + k + ": gradient differs by " + rel);
        }
    }

    @Test
    void carriedStateSurvivesAChangeOfStepsAndRefusesAChangeOfBatchSize() {
        Random r = new Random(3);
        List<DataSet> batches = List.of(batch(r, BATCH, STEPS), batch(r, BATCH, 3), batch(r, BATCH, STEPS));
        compareWithFused("LSTM GRU, steps 5, 3, 5", () -> stack("LSTM GRU", 5, 8), OneDnnGradient.withThreads(1), true, batches);

        MultiLayerNetwork net = stack("GRU", 5, 8);
        OneDnnGradient engine = OneDnnGradient.create();
        engine.prepare(net, true, STEPS);
        engine.compute(net, batch(r, BATCH, STEPS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> engine.compute(net, batch(r, BATCH - 1, STEPS)));
        assertTrue(e.getMessage().contains("holds " + BATCH + " sequences") && e.getMessage().contains("resetState"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(net, new DataSet(Nd4j.zeros(DataType.FLOAT, 2, VOCAB + 1, 3), Nd4j.zeros(DataType.FLOAT, 2, VOCAB, 3))));
        assertTrue(wrong.getMessage().contains("[n, " + VOCAB + ", t]") && wrong.getMessage().contains("[2, " + (VOCAB + 1) + ", 3]"),
                wrong.getMessage());
        engine.resetState(net);
        assertTrue(engine.compute(net, batch(r, BATCH - 1, STEPS)) > 0, "after resetState a smaller batch trains");
    }

    @Test
    void aSmallerLastBatchAndBackUseTheirOwnBuffers() {
        Random r = new Random(4);
        List<DataSet> batches = List.of(batch(r, BATCH, STEPS), batch(r, 1, STEPS), batch(r, BATCH, STEPS), batch(r, 3, STEPS));
        compareWithFused("RNN LSTM, batches 4, 1, 4, 3", () -> stack("RNN LSTM", 4, 9), OneDnnGradient.create(), false, batches);
    }

    @Test
    void oneAndTwoThreadsAndDoubleDataGiveTheSameGradient() {
        Random r = new Random(5);
        DataSet floats = batch(r, BATCH, STEPS);
        DataSet doubles = new DataSet(floats.getFeatures().castTo(DataType.DOUBLE), floats.getLabels().castTo(DataType.DOUBLE));
        MultiLayerNetwork a = stack("GRU LSTM", 8, 10), b = stack("GRU LSTM", 8, 10);
        BatchGradient one = OneDnnGradient.withThreads(1), two = OneDnnGradient.withThreads(2);
        one.prepare(a, false, STEPS);
        two.prepare(b, false, STEPS);
        double la = one.compute(a, floats), lb = two.compute(b, doubles);
        assertEquals(la, lb, FLOAT_TOLERANCE * la, "loss");
        double rel = relativeDifference(b.getFlattenedGradients(), a.getFlattenedGradients());
        assertTrue(rel <= FLOAT_TOLERANCE, "gradient differs by " + rel);
    }

    @Test
    void regressionOutputEqualsTheFusedEngine() {
        Supplier<MultiLayerNetwork> factory = () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(6).dataType(DataType.FLOAT)
                    .weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).list()
                    .layer(new GRU.Builder().nIn(2).nOut(5).build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).nIn(5).nOut(2).build())
                    .build());
            net.init();
            return net;
        };
        Random r = new Random(6);
        List<DataSet> batches = List.of(
                new DataSet(Nd4j.rand(r.nextLong(), new long[]{BATCH, 2, STEPS}).castTo(DataType.FLOAT), Nd4j.rand(r.nextLong(), new long[]{BATCH, 2, STEPS}).castTo(DataType.FLOAT)),
                new DataSet(Nd4j.rand(r.nextLong(), new long[]{BATCH, 2, STEPS}).castTo(DataType.FLOAT), Nd4j.rand(r.nextLong(), new long[]{BATCH, 2, STEPS}).castTo(DataType.FLOAT)));
        compareWithFused("GRU with identity and MSE", factory, OneDnnGradient.create(), true, batches);
    }

    /**
     * Central differences of the loss of a second batch with the state carried from a first one, that
     * incoming state held fixed: in float, eps 1e-2, at elements of every parameter array. The loss is
     * the fused engine's (DL4J's model as the project computes it), so that a gate mapped to the wrong
     * DL4J block fails here even though oneDNN's gradient of its own model would be consistent.
     */
    @Test
    void carriedStateGradientMatchesFiniteDifferences() {
        String cells = "LSTM GRU RNN";
        Random r = new Random(7);
        DataSet first = batch(r, 2, 3), second = batch(r, 2, 3);
        MultiLayerNetwork net = stack(cells, 3, 11);
        OneDnnGradient engine = OneDnnGradient.withThreads(1);
        engine.prepare(net, true, 3);
        engine.compute(net, first);
        engine.compute(net, second);
        INDArray analytic = net.getFlattenedGradients().dup();
        INDArray params = net.params(), base = params.dup();
        double scale = Transforms.abs(analytic).maxNumber().doubleValue(), worstError = 0;
        float eps = 1e-2f;
        for (long i = 0; i < params.length(); i += 7) {
            float saved = params.getFloat(i);
            params.putScalar(i, saved + eps);
            double up = secondBatchLoss(net, base, first, second);
            params.putScalar(i, saved - eps);
            double down = secondBatchLoss(net, base, first, second);
            params.putScalar(i, saved);
            double numeric = (up - down) / (2 * eps);
            worstError = Math.max(worstError, Math.abs(numeric - analytic.getDouble(i)) / scale);
        }
        assertTrue(worstError < 1e-2, cells + ": finite differences differ by " + worstError + " of the largest gradient element");
    }

    /** The second batch's loss from the state the first one leaves, the first run on the parameters {@code base}. */
    private static double secondBatchLoss(MultiLayerNetwork net, INDArray base, DataSet first, DataSet second) {
        INDArray perturbed = net.params().dup();
        BatchGradient engine = new FusedRnnGradient();
        engine.prepare(net, true, 3);
        net.params().assign(base);
        engine.compute(net, first);
        net.params().assign(perturbed);
        return engine.compute(net, second);
    }

    @Test
    void refusesWithAReasonWhatItCannotTrain() {
        MultiLayerNetwork doubles = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new LSTM.Builder().activation(Activation.TANH).nIn(VOCAB).nOut(4).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(4).nOut(VOCAB).build())
                .build());
        doubles.init();
        assertEquals(Set.of(Obstacle.Kind.NOT_FLOAT), obstacleKinds(doubles, Engine.ONEDNN));
        assertEquals(Engine.FUSED, EngineChoice.of(doubles).chosen());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneDnnGradient.create().prepare(doubles, false, STEPS));
        assertEquals("OneDnnGradient cannot train this network: the network's data type is DOUBLE; the oneDNN engine runs FLOAT only. "
                + "EngineChoice.of(net) says which engine can; the Trainer takes it by itself", e.getMessage());
        MultiLayerNetwork dropout = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new LSTM.Builder().activation(Activation.TANH).nIn(VOCAB).nOut(4).dropOut(0.5).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(4).nOut(VOCAB).build())
                .build());
        dropout.init();
        assertEquals(Set.of(Obstacle.Kind.UNSUPPORTED_DROPOUT), obstacleKinds(dropout, Engine.ONEDNN));
        assertEquals(Set.of(Obstacle.Kind.UNSUPPORTED_DROPOUT), obstacleKinds(dropout, Engine.FUSED));
        assertEquals(Engine.ONEDNN, EngineChoice.of(stack("GRU LSTM RNN", 4, 1)).chosen());
        assertThrows(IllegalArgumentException.class, () -> OneDnnGradient.withThreads(0));
    }

    @Test
    void theDefaultThreadCountIsFixedAndReadFromTheEnvironment() {
        assertEquals(2, OneDnnGradient.threadsFrom(null, 2));
        assertEquals(8, OneDnnGradient.threadsFrom(" ", 8));
        assertEquals(1, OneDnnGradient.threadsFrom("1", 2));
        assertEquals(3, OneDnnGradient.threadsFrom(" 3 ", 2));
        for (String bad : List.of("0", "-2", "two", "1.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneDnnGradient.threadsFrom(bad, 2));
            assertTrue(e.getMessage().contains(OneDnnGradient.THREADS_VARIABLE + "=" + bad), e.getMessage());
        }
        assumeTrue(System.getenv(OneDnnGradient.THREADS_VARIABLE) == null, "the variable is set here");
        assertEquals(Math.min(OneDnnGradient.SLICES, Runtime.getRuntime().availableProcessors()), OneDnnGradient.create().threads());
    }

    /** The same seed gives the same parameters: what the fixed default thread count is for. */
    @Test
    void theSameTrainingTwiceGivesTheSameParameters() {
        Random r = new Random(5);
        List<DataSet> batches = List.of(batch(r, BATCH, STEPS), batch(r, BATCH, STEPS), batch(r, BATCH, STEPS));
        INDArray[] params = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            MultiLayerNetwork net = stack("GRU LSTM", 5, 8);
            try (var steps = org.deeprnn.train.Trainer.builder().learningRate(1).clipGlobalNorm(1)
                    .batchGradient(OneDnnGradient::create).build().stepwise(net)) {
                for (DataSet b : batches) {
                    steps.step(b);
                }
            }
            params[run] = net.params().dup();
        }
        assertEquals(params[0], params[1]);
    }

    /** Batches of three shapes that change with {@code k}, so that every fit builds new plans. */
    private static ListDataSetIterator<DataSet> changingShapes(Random r, int k) {
        return new ListDataSetIterator<>(List.of(batch(r, 2 + k % 5, 3 + k % 7), batch(r, 3 + k % 4, 4 + k % 6), batch(r, 1 + k % 3, 5)), 1);
    }

    /**
     * Native memory does not grow over many fits with changing shapes: after the garbage collector has run, the count
     * of live JavaCPP objects with a native deallocator (oneDNN's, and ND4J's shape descriptors) is back where it was.
     */
    @Test
    void nativesDoNotGrowOverManyFitsWithChangingShapes() throws InterruptedException {
        MultiLayerNetwork net = stack("LSTM GRU", 6, 3);
        Trainer trainer = Trainer.builder().epochs(1).learningRate(0.1).clipGlobalNorm(1).progress(null)
                .batchGradient(OneDnnGradient::create).build();
        Random r = new Random(7);
        trainer.fit(net, changingShapes(r, 0));
        long before = liveNativeObjects();
        for (int k = 1; k <= 30; k++) {
            trainer.fit(net, changingShapes(r, k));
        }
        long grown = liveNativeObjects() - before;
        assertTrue(grown < 100, "live native objects grew by " + grown + " over 30 fits, each building three plans");
    }

    private static long liveNativeObjects() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100); // JavaCPP's deallocator thread frees what the collector found unreachable
        }
        return Pointer.totalCount();
    }

    /** A plan's natives are released when it is evicted (beyond four shapes) and by finish, without the garbage collector. */
    @Test
    void plansAreClosedWhenEvictedAndAtFinish() {
        MultiLayerNetwork net = stack("RNN", 4, 2);
        OneDnnGradient engine = OneDnnGradient.withThreads(1);
        engine.prepare(net, false, STEPS);
        Random r = new Random(3);
        engine.compute(net, batch(r, 1, STEPS));
        Shards first = engine.openPlans().get(0);
        for (int n = 2; n <= 5; n++) {
            engine.compute(net, batch(r, n, STEPS));
            assertEquals(Math.min(n, 4), engine.openPlans().size(), "after batch size " + n);
        }
        assertTrue(first.closed(), "the plan of batch size 1 was evicted by the fifth shape");
        List<Shards> open = engine.openPlans();
        assertFalse(open.stream().anyMatch(Shards::closed));
        engine.finish(net);
        assertTrue(engine.openPlans().isEmpty());
        assertTrue(open.stream().allMatch(Shards::closed), "finish closes every plan");
    }
}
