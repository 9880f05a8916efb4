package org.deeprnn.scratch;

import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.text.SequentialPartitioning;
import org.deeprnn.text.TextPreprocessor;
import org.deeprnn.text.WindowSampling;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingDivergedException;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SameDiffDeepRnnTest {
    private static final String PHRASE = "the time machine by h g wells ";
    private static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens(PHRASE.repeat(12)), 0);
    private static final int VOCAB = CORPUS.vocab().size();

    private static MultiLayerNetwork simpleRnn(int layers, int hidden, long seed) {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(layers)
                .hiddenUnits(hidden).vocabSize(VOCAB).dataType(DataType.DOUBLE).seed(seed).network();
        // DL4J starts biases at zero; random ones make the comparisons cover b_h and b_q too.
        Random rng = new Random(seed + 1);
        for (int i = 0; i < net.getnLayers(); i++) {
            INDArray b = net.getLayer(i).getParam("b");
            double[] values = new double[(int) b.length()];
            for (int k = 0; k < values.length; k++) {
                values[k] = rng.nextGaussian() * 0.3;
            }
            b.assign(Nd4j.create(values, b.shape(), DataType.DOUBLE));
        }
        return net;
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        assertArrayEquals(a.shape(), b.shape(), "shapes differ");
        return Transforms.abs(a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
    }

    private static DataSet batch(DataSetIterator it) {
        it.reset();
        return it.next();
    }

    @ParameterizedTest(name = "L={0}")
    @ValueSource(ints = {1, 2, 3})
    void logitsEqualTheScratchModelAndDl4jForAnyBatchSize(int layers) {
        MultiLayerNetwork net = simpleRnn(layers, 8, 20 + layers);
        ScratchDeepRnn scratch = ScratchDeepRnn.fromNetwork(net);
        SameDiffDeepRnn model = SameDiffDeepRnn.fromNetwork(net);
        assertEquals(net.numParams(), model.numParams());

        for (int n : new int[]{5, 2, 1}) {
            INDArray x = batch(new RandomSampling(CORPUS.tokens(), VOCAB, n, 7, 3, DataType.DOUBLE)).getFeatures();
            INDArray logits = model.logits(x);
            assertArrayEquals(new long[]{n, VOCAB, 7}, logits.shape());
            assertEquals(0, maxAbsDiff(logits, scratch.forward(x).logits()), 1e-12, "logits, n=" + n);
            assertEquals(0, maxAbsDiff(model.probabilities(x), net.output(x)), 1e-12, "probabilities, n=" + n);
        }
        INDArray oneStep = batch(new RandomSampling(CORPUS.tokens(), VOCAB, 3, 1, 3, DataType.DOUBLE)).getFeatures();
        assertEquals(0, maxAbsDiff(model.logits(oneStep), scratch.forward(oneStep).logits()), 1e-12, "T=1");
    }

    @Test
    void gradientOfTheMeanLossEqualsDl4jsGradientPerToken() {
        MultiLayerNetwork net = simpleRnn(2, 16, 5);
        SameDiffDeepRnn model = SameDiffDeepRnn.fromNetwork(net);
        DataSet ds = batch(new RandomSampling(CORPUS.tokens(), VOCAB, 4, 9, 11, DataType.DOUBLE));
        long tokens = 4 * 9;

        Dl4jBatchGradient dl4j = new Dl4jBatchGradient();
        dl4j.prepare(net, false, 9);
        double summed = dl4j.compute(net, ds);
        Gradient g = net.gradient();
        dl4j.finish(net);

        Map<String, INDArray> sd = model.gradients(ds);
        assertEquals(8, sd.size());
        List<String[]> mapping = new ArrayList<>();
        for (int l = 1; l <= 2; l++) {
            mapping.add(new String[]{SameDiffDeepRnn.wxhName(l), (l - 1) + "_W"});
            mapping.add(new String[]{SameDiffDeepRnn.whhName(l), (l - 1) + "_RW"});
            mapping.add(new String[]{SameDiffDeepRnn.bhName(l), (l - 1) + "_b"});
        }
        mapping.add(new String[]{"W_hq", "2_W"});
        mapping.add(new String[]{"b_q", "2_b"});
        double worst = 0;
        for (String[] pair : mapping) {
            INDArray actual = sd.get(pair[0]);
            assertArrayEquals(model.parameter(pair[0]).shape(), actual.shape(), "gradient shaped like " + pair[0]);
            // DL4J keeps bias gradients as vectors [h]; the model's biases are rows [1, h].
            INDArray expected = g.getGradientFor(pair[1]).div(tokens).reshape(actual.shape());
            assertTrue(expected.norm2Number().doubleValue() > 1e-4, "a non-trivial gradient for " + pair[1]);
            double diff = maxAbsDiff(actual, expected);
            worst = Math.max(worst, diff);
            assertEquals(0, diff, 1e-8, pair[0] + " vs DL4J " + pair[1]);
        }
        System.out.printf("SameDiff vs DL4J gradient of the mean loss per token, L=2, DOUBLE: max |diff| %.3e%n", worst);
        assertEquals(summed / tokens, model.meanLoss(ds), 1e-10);
    }

    @ParameterizedTest(name = "window sampling = {0}")
    @ValueSource(booleans = {false, true})
    void sgdWithClippingFollowsTheTrainersTrajectory(boolean windows) {
        MultiLayerNetwork net = simpleRnn(2, 16, 9);
        SameDiffDeepRnn model = SameDiffDeepRnn.fromNetwork(net);
        double lr = 1.0;
        double theta = 0.5;
        int epochs = 3;

        TrainingResult expected = Trainer.builder().epochs(epochs).learningRate(lr).clipGlobalNorm(theta).progress(null)
                .batchGradient(Dl4jBatchGradient::new).build().fit(net, train(windows), validation(windows));
        TrainingResult actual = Trainer.builder().epochs(epochs).learningRate(lr).clipGlobalNorm(theta).progress(null).build()
                .fit(model, train(windows), validation(windows));

        assertTrue(expected.epochs().stream().anyMatch(e -> e.maxGradientNorm() > theta), "clipping must take effect");
        for (int e = 0; e < epochs; e++) {
            EpochResult a = actual.epochs().get(e);
            EpochResult b = expected.epochs().get(e);
            assertEquals(b.tokens(), a.tokens(), "tokens of epoch " + (e + 1));
            assertEquals(b.loss(), a.loss(), 1e-6, "training loss of epoch " + (e + 1));
            assertEquals(b.validationLoss(), a.validationLoss(), 1e-6, "validation loss of epoch " + (e + 1));
            assertEquals(b.maxGradientNorm(), a.maxGradientNorm(), 1e-6, "largest gradient norm of epoch " + (e + 1));
        }
        double worst = 0;
        for (int e = 0; e < epochs; e++) {
            worst = Math.max(worst, Math.abs(actual.losses()[e] - expected.losses()[e]));
        }
        System.out.printf("SameDiff vs Trainer (Dl4jBatchGradient), %s, %d epochs: max |loss diff| %.3e%n",
                windows ? "window sampling" : "random sampling", epochs, worst);
        assertTrue(actual.last().loss() < actual.epochs().get(0).loss() - 0.05, "the loss falls: " + actual.losses()[0]
                + " -> " + actual.last().loss());
        ScratchDeepRnn trained = ScratchDeepRnn.fromNetwork(net);
        assertEquals(0, maxAbsDiff(model.parameter("W_hq"), trained.whq()), 1e-6);
        assertEquals(0, maxAbsDiff(model.parameter(SameDiffDeepRnn.whhName(2)), trained.layer(2).whh()), 1e-6);
    }

    private static DataSetIterator train(boolean windows) {
        // 50 windows in batches of 8: the last batch of every epoch has 2 rows.
        return windows ? WindowSampling.split(CORPUS.tokens(), VOCAB, 8, 6, 50, 20, 4, DataType.DOUBLE).train()
                : new RandomSampling(CORPUS.tokens(), VOCAB, 4, 8, 4, DataType.DOUBLE);
    }

    private static DataSetIterator validation(boolean windows) {
        return windows ? WindowSampling.split(CORPUS.tokens(), VOCAB, 8, 6, 50, 20, 4, DataType.DOUBLE).validation()
                : new RandomSampling(CORPUS.tokens(), VOCAB, 4, 8, 99, DataType.DOUBLE);
    }

    /**
     * The trainer's steps against d2l's step written out here: the gradient of the mean loss per token from
     * {@link SameDiffDeepRnn#gradients}, scaled to norm theta when longer, then parameter -= lr * gradient.
     */
    @Test
    void kTrainerStepsEqualTheSameStepsRunByHand() {
        MultiLayerNetwork net = simpleRnn(2, 8, 31);
        SameDiffDeepRnn trained = SameDiffDeepRnn.fromNetwork(net);
        SameDiffDeepRnn byHand = SameDiffDeepRnn.fromNetwork(net);
        List<DataSet> batches = new ArrayList<>();
        RandomSampling sampler = new RandomSampling(CORPUS.tokens(), VOCAB, 3, 6, 8, DataType.DOUBLE);
        sampler.forEachRemaining(batches::add);
        assertTrue(batches.size() >= 3, "several steps: " + batches.size());
        double lr = 1.5;
        double theta = 0.3;
        int clipped = 0;
        for (DataSet b : batches) {
            Map<String, INDArray> g = byHand.gradients(b);
            double squares = 0;
            for (INDArray a : g.values()) {
                squares += a.mul(a).sumNumber().doubleValue();
            }
            double scale = Math.sqrt(squares) > theta ? theta / Math.sqrt(squares) : 1;
            clipped += scale < 1 ? 1 : 0;
            for (String name : byHand.parameterNames()) {
                byHand.parameter(name).subi(g.get(name).mul(lr * scale));
            }
        }
        assertTrue(clipped > 0, "clipping takes effect on some step");
        TrainingResult result = Trainer.builder().epochs(1).learningRate(lr).clipGlobalNorm(theta).progress(null).build()
                .fit(trained, new ExistingDataSetIterator(batches), null);
        assertEquals(batches.size() * 3L * 6, result.last().tokens());
        for (String name : trained.parameterNames()) {
            assertEquals(0, maxAbsDiff(trained.parameter(name), byHand.parameter(name)), 1e-12, name);
        }
    }

    @Test
    void aLossThatIsNotFiniteStopsTheTrainerWithTheWeightsUntouched() {
        SameDiffDeepRnn model = new SameDiffDeepRnn(VOCAB, 8, 2, VOCAB, 1, DataType.DOUBLE);
        model.parameter("b_q").putScalar(0, Double.NaN);
        INDArray before = model.parameter("W_hq").dup();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.d2l(3).progress(null).build()
                .fit(model, new RandomSampling(CORPUS.tokens(), VOCAB, 2, 5, 1, DataType.DOUBLE), null));
        assertEquals(1, e.epoch());
        assertEquals(1, e.batch());
        assertEquals(before, model.parameter("W_hq"));
    }

    @Test
    void graphsForOtherLengthsSeeTheTrainedWeights() {
        SameDiffDeepRnn model = new SameDiffDeepRnn(VOCAB, 12, 2, VOCAB, 1, DataType.DOUBLE);
        INDArray shortX = batch(new RandomSampling(CORPUS.tokens(), VOCAB, 3, 4, 1, DataType.DOUBLE)).getFeatures();
        INDArray before = model.logits(shortX);
        Trainer.d2l(1).learningRate(1).progress(null).build().fit(model, new RandomSampling(CORPUS.tokens(), VOCAB, 3, 10, 2, DataType.DOUBLE), null);
        INDArray after = model.logits(shortX);
        assertTrue(maxAbsDiff(before, after) > 1e-4, "the step changed the model");
        assertEquals(0, maxAbsDiff(after, model.toScratch().forward(shortX).logits()), 1e-12);
    }

    @Test
    void freshWeightsAreSeededXavier() {
        SameDiffDeepRnn a = new SameDiffDeepRnn(VOCAB, 64, 2, VOCAB, 3, DataType.FLOAT);
        SameDiffDeepRnn b = new SameDiffDeepRnn(VOCAB, 64, 2, VOCAB, 3, DataType.FLOAT);
        SameDiffDeepRnn c = new SameDiffDeepRnn(VOCAB, 64, 2, VOCAB, 4, DataType.FLOAT);
        assertEquals(a.parameter("W_xh_1"), b.parameter("W_xh_1"));
        assertNotEquals(a.parameter("W_xh_1"), c.parameter("W_xh_1"));
        double std = a.parameter("W_hh_2").stdNumber().doubleValue();
        assertEquals(Math.sqrt(2.0 / (64 + 64)), std, 0.01);
        assertEquals(0, a.parameter("b_h_1").sumNumber().doubleValue());
        assertEquals(List.of("W_xh_1", "W_hh_1", "b_h_1", "W_xh_2", "W_hh_2", "b_h_2", "W_hq", "b_q"), a.parameterNames());
        assertEquals(2L * 64 * 64 + VOCAB * 64L + 64L * 64 + 2 * 64 + 64L * VOCAB + VOCAB, a.numParams());
    }

    @Test
    void fitReportsEpochsLikeTheTrainerAndLearnsTheCorpus() {
        SameDiffDeepRnn model = new SameDiffDeepRnn(VOCAB, 32, 2, VOCAB, 123, DataType.FLOAT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Integer> heard = new ArrayList<>();
        WindowSampling.Split split = WindowSampling.split(CORPUS.tokens(), VOCAB, 20, 10, 130, 40, 5, DataType.FLOAT);
        double untrained = model.perplexity(split.validation());
        TrainingResult result = Trainer.d2l(15).printEvery(5).progress(new PrintStream(log, true, StandardCharsets.UTF_8))
                .listener((r, total) -> heard.add(r.epoch())).build().fit(model, split.train(), split.validation());
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertEquals(15, heard.size());
        assertEquals(130L * 10, result.last().tokens());
        assertTrue(printed.startsWith(String.format("training 15 epochs, %,d parameters, updater SGD lr 2.0 per predicted token "
                + "(d2l's scale); clipping: global L2 norm over all parameters <= 1.0 (d2l); gradients: SameDiff automatic "
                + "differentiation; hidden state reset for every batch%n", model.numParams())), printed);
        assertTrue(printed.contains("epoch 15/15  perplexity"), printed);
        assertTrue(printed.contains("done: perplexity"), printed);
        assertTrue(untrained > 10, "an untrained model is close to uniform over the vocabulary: " + untrained);
        assertTrue(result.last().validationPerplexity() < 2.0, "validation perplexity " + result.last().validationPerplexity());
    }

    @Test
    void badInputsGetClearMessages() {
        SameDiffDeepRnn model = new SameDiffDeepRnn(VOCAB, 8, 2, VOCAB, 1, DataType.DOUBLE);
        DataSet wrongVocab = batch(new RandomSampling(CORPUS.tokens(), VOCAB + 3, 2, 5, 1, DataType.DOUBLE));
        String m = assertThrows(IllegalArgumentException.class, () -> model.meanLoss(wrongVocab)).getMessage();
        assertTrue(m.contains("vocabulary has " + (VOCAB + 3)) && m.contains("built for " + VOCAB), m);

        DataSet good = batch(new RandomSampling(CORPUS.tokens(), VOCAB, 2, 5, 1, DataType.DOUBLE));
        DataSet badLabels = new DataSet(good.getFeatures(), Nd4j.zeros(DataType.DOUBLE, 2, VOCAB + 1, 5));
        m = assertThrows(IllegalArgumentException.class, () -> model.gradients(badLabels)).getMessage();
        assertTrue(m.contains("one-hot labels") && m.contains("predicts " + VOCAB), m);
        DataSet shortLabels = new DataSet(good.getFeatures(), Nd4j.zeros(DataType.DOUBLE, 2, VOCAB, 4));
        m = assertThrows(IllegalArgumentException.class, () -> model.lossAndGradient(shortLabels)).getMessage();
        assertTrue(m.contains("T=5"), m);
        DataSet masked = new DataSet(good.getFeatures(), good.getLabels(), null, Nd4j.ones(DataType.DOUBLE, 2, 5));
        m = assertThrows(IllegalArgumentException.class, () -> model.meanLoss(masked)).getMessage();
        assertTrue(m.contains("Masked"), m);

        m = assertThrows(IllegalArgumentException.class, () -> model.logits(Nd4j.zeros(DataType.DOUBLE, 2, VOCAB))).getMessage();
        assertTrue(m.contains("rank 3"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Trainer.d2l(1).progress(null).build()
                .fit(model, new SequentialPartitioning(CORPUS.tokens(), VOCAB, 2, 5, 1), null)).getMessage();
        assertEquals("The trainer cannot carry the hidden state across batches for a SameDiffDeepRnn (SequentialPartitioning "
                + "continues each row in the next batch): SameDiffDeepRnn starts every batch from a zero state. Train it on "
                + "RandomSampling or WindowSampling, whose batches start from zero", m);
        m = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().progress(null).build()
                .fit(model, new RandomSampling(CORPUS.tokens(), VOCAB, 2, 5, 1), null)).getMessage();
        assertEquals("SameDiffDeepRnn has no updater of its own to take a learning rate from: give the trainer one, "
                + "Trainer.builder().learningRate(...) or Trainer.d2l(epochs)", m);
        m = assertThrows(IllegalArgumentException.class, () -> Trainer.d2l(1).dl4jListener(new ScoreIterationListener())
                .progress(null).build().fit(model, new RandomSampling(CORPUS.tokens(), VOCAB, 2, 5, 1), null)).getMessage();
        assertEquals("DL4J's training listeners need a DL4J network, and SameDiffDeepRnn is not one: use "
                + "listener(EpochListener) instead", m);

        MultiLayerNetwork lstm = new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(4)
                .vocabSize(VOCAB).network();
        m = assertThrows(IllegalArgumentException.class, () -> SameDiffDeepRnn.fromNetwork(lstm)).getMessage();
        assertTrue(m.contains("SimpleRnn"), m);

        assertThrows(IllegalArgumentException.class, () -> new SameDiffDeepRnn(VOCAB, 0, 2, VOCAB, 1, DataType.DOUBLE));
        assertThrows(IllegalArgumentException.class, () -> new SameDiffDeepRnn(VOCAB, 8, 2, VOCAB, 1, DataType.INT32));
        m = assertThrows(IllegalArgumentException.class, () -> model.parameter("W")).getMessage();
        assertTrue(m.contains("W_hq"), m);
    }
}
