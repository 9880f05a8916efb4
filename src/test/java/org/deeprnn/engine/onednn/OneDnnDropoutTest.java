package org.deeprnn.engine.onednn;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.NetworkReading;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.fixtures.EngineFixtures;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.fixtures.Stacks;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

import static org.deeprnn.fixtures.EngineFixtures.obstacleKinds;
import static org.deeprnn.fixtures.GradientChecks.relativeDifference;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oneDNN engine's dropout: with the same masks, DL4J's backpropagation's loss and gradient; masks from ND4J's
 * generator reproducible by seed; none in evaluation; and the dropout it still refuses.
 */
class OneDnnDropoutTest {
    private static final int VOCAB = 7, BATCH = 4, STEPS = 5;
    private static final double FLOAT_TOLERANCE = 2e-5, RETAIN = 0.6;

    @BeforeAll
    static void needsOneDnn() {
        EngineFixtures.assumeOneDnn();
    }

    /** DL4J dropout with a mask the test sets before each batch (elements 0 or 1/retain), as DL4J's Dropout applies its own. */
    static final class FixedMaskDropout implements IDropout {
        INDArray mask;

        @Override
        public INDArray applyDropout(INDArray in, INDArray out, int iteration, int epoch, LayerWorkspaceMgr mgr) {
            Nd4j.getExecutioner().exec(new MulOp(in, mask.castTo(out.dataType()), out));
            return out;
        }

        @Override
        public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
            Nd4j.getExecutioner().exec(new MulOp(gradAtOutput, mask.castTo(gradAtInput.dataType()), gradAtInput));
            return gradAtInput;
        }

        @Override
        public void clear() {
        }

        @Override
        public IDropout clone() {
            return this; // one instance per layer, whose mask the test sets
        }
    }

    /** A language model of {@code layers} {@code cell} layers of 6 units; layer l >= 1 reads its input through {@code dropout}. */
    private static MultiLayerNetwork stack(String cell, int layers, IntFunction<IDropout> dropout, long seed) {
        return Stacks.shifted(Stacks.of(String.join(" ", java.util.Collections.nCopies(layers, cell)), VOCAB, 6, DataType.FLOAT, seed,
                l -> l == 0 ? null : dropout.apply(l)), seed);
    }

    private static DataSet batch(Random r, int batch, int steps) {
        return RandomBatches.oneHot(r, DataType.FLOAT, batch, VOCAB, steps);
    }

    /** A mask of DL4J's layout [n, width, t]: each element 0, or 1/retain with probability retain. */
    static INDArray mask(Random r, int n, int width, int t) {
        INDArray m = Nd4j.zeros(DataType.FLOAT, n, width, t);
        float kept = (float) (1 / RETAIN);
        for (int i = 0; i < m.length(); i++) {
            if (r.nextDouble() < RETAIN) {
                m.putScalar(i, kept);
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}, L = {1}: with DL4J's masks, DL4J's loss and gradient")
    @CsvSource({"LSTM,2", "LSTM,3", "GRU,2", "GRU,3", "RNN,2", "RNN,3"})
    void equalsDl4jsBackpropWithTheSameMasks(String cell, int layers) {
        MultiLayerNetwork ref = stack(cell, layers, l -> new FixedMaskDropout(), 14);
        MultiLayerNetwork fast = stack(cell, layers, l -> new Dropout(RETAIN), 14);
        INDArray[] masks = new INDArray[layers];
        BatchGradient dl4j = new Dl4jBatchGradient();
        BatchGradient onednn = OneDnnGradient.withThreads(2).masksFrom((l, n, width, t) -> masks[l]);
        dl4j.prepare(ref, false, STEPS);
        onednn.prepare(fast, false, STEPS);
        Random r = new Random(17);
        for (int k = 0; k < 3; k++) {
            DataSet ds = batch(r, BATCH, STEPS);
            for (int l = 1; l < layers; l++) {
                masks[l] = mask(r, BATCH, 6, STEPS);
                ((FixedMaskDropout) ref.getLayer(l).conf().getLayer().getIDropout()).mask = masks[l];
            }
            double lr = dl4j.compute(ref, ds), lf = onednn.compute(fast, ds);
            assertEquals(lr, lf, FLOAT_TOLERANCE * lr, cell + " L=" + layers + " batch " + k + ": loss");
            double rel = relativeDifference(fast.getFlattenedGradients(), ref.gradient().gradient());
            assertTrue(rel <= FLOAT_TOLERANCE, cell + " L=" + layers + " batch " + k + ": gradient differs by " + rel);
        }
        // the masks matter: the same batch with none gives another loss
        DataSet ds = batch(new Random(1), BATCH, STEPS);
        assertNotEquals(onednn.compute(fast, ds), onednn.evaluate(fast, ds), 1e-3);
    }

    @Test
    void retainOneEqualsNoDropoutExactly() {
        MultiLayerNetwork kept = stack("LSTM", 3, l -> new Dropout(1.0), 3), plain = stack("LSTM", 3, l -> null, 3);
        assertEquals(Set.of(), obstacleKinds(kept, Engine.ONEDNN));
        BatchGradient a = OneDnnGradient.withThreads(2), b = OneDnnGradient.withThreads(2);
        a.prepare(kept, true, STEPS);
        b.prepare(plain, true, STEPS);
        Random r = new Random(2);
        for (int k = 0; k < 3; k++) {
            DataSet ds = batch(r, BATCH, STEPS);
            assertEquals(b.compute(plain, ds), a.compute(kept, ds), 0.0, "batch " + k);
            assertArrayEquals(plain.getFlattenedGradients().dup().data().asFloat(), kept.getFlattenedGradients().dup().data().asFloat());
        }
    }

    /** Evaluation leaves dropout out: the loss of the same network without dropout, to the last bit. */
    @Test
    void evaluationHasNoDropout() {
        MultiLayerNetwork dropped = stack("GRU", 3, l -> new Dropout(0.5), 9), plain = stack("GRU", 3, l -> null, 9);
        OneDnnGradient a = OneDnnGradient.withThreads(1), b = OneDnnGradient.withThreads(1);
        a.prepare(dropped, false, STEPS);
        b.prepare(plain, false, STEPS);
        DataSet ds = batch(new Random(4), BATCH, STEPS);
        double training = a.compute(dropped, ds);
        assertEquals(b.compute(plain, ds), a.evaluate(dropped, ds), 0.0);
        assertNotEquals(training, a.evaluate(dropped, ds), 1e-3);
    }

    /** Masks come from ND4J's generator, which DL4J seeds from the network's seed at init(): the same seed, the same training. */
    @Test
    void theSameSeedGivesTheSameTrainingWithDropout() {
        Random r = new Random(5);
        List<DataSet> batches = List.of(batch(r, BATCH, STEPS), batch(r, BATCH, STEPS), batch(r, BATCH, STEPS));
        INDArray first = train(batches, -1), again = train(batches, -1), reseeded = train(batches, 77);
        assertArrayEquals(first.data().asFloat(), again.data().asFloat());
        assertTrue(first.sub(reseeded).amaxNumber().doubleValue() > 1e-4, "other masks, other parameters");
    }

    /** The parameters after {@code batches} steps of a DeepRnnBuilder LSTM with dropout(0.5); {@code rngSeed} >= 0 reseeds ND4J after init(). */
    private static INDArray train(List<DataSet> batches, long rngSeed) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.LSTM).layers(3).hiddenUnits(6).vocabSize(VOCAB).dropout(0.5).seed(8).network();
        if (rngSeed >= 0) {
            Nd4j.getRandom().setSeed(rngSeed);
        }
        try (var steps = Trainer.builder().learningRate(1).clipGlobalNorm(1).batchGradient(OneDnnGradient::create).build().stepwise(net)) {
            for (DataSet b : batches) {
                steps.step(b);
            }
        }
        return net.params().dup();
    }

    @Test
    void refusesDropoutItDoesNotApplyWithAShortReason() {
        assertReason(stack("LSTM", 2, l -> new GaussianDropout(0.2), 1), "layer 1 (LSTM): dropout of type GaussianDropout is not supported");
        Dropout scheduled = new Dropout(new ExponentialSchedule(ScheduleType.ITERATION, 0.9, 0.99));
        assertReason(stack("GRU", 2, l -> scheduled, 1), "layer 1 (GRU): dropout with a schedule is not supported");
        MultiLayerNetwork onOutput = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new LSTM.Builder().activation(Activation.TANH).nIn(VOCAB).nOut(4).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(4).nOut(VOCAB)
                        .dropOut(0.5).build())
                .build());
        onOutput.init();
        assertReason(onOutput, "output layer: dropout on this layer's input is not supported");
        MultiLayerNetwork supported = stack("RNN", 2, l -> new Dropout(0.5), 1);
        assertEquals(Set.of(), obstacleKinds(supported, Engine.ONEDNN));
        assertEquals(List.of(new Obstacle(Obstacle.Kind.DROPOUT, "layer 1 (SimpleRnn): dropout is not supported by the fused engine "
                + "(the oneDNN engine applies it)")), NetworkReading.of(supported).obstacles(Engine.FUSED, false));
    }

    private static void assertReason(MultiLayerNetwork net, String start) {
        List<Obstacle> against = NetworkReading.of(net).obstacles(Engine.ONEDNN, false);
        assertEquals(List.of(Obstacle.Kind.UNSUPPORTED_DROPOUT), against.stream().map(Obstacle::kind).toList(), against.toString());
        assertEquals(start, against.get(0).detail().substring(0, Math.min(start.length(), against.get(0).detail().length())));
        assertFalse(against.get(0).detail().contains("p="), "no toString of the dropout: " + against);
    }
}
