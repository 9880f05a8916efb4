package org.deeprnn.train;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.generate.TextGenerator;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.text.SequentialPartitioning;
import org.deeprnn.text.TextPreprocessor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.deeprnn.train.TrainingFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    static final int EPOCHS = 60;

    @Test
    void perplexityFallsOnARepetitiveCorpusAndThePredictorReproducesIt() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.FLOAT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Integer> seen = new ArrayList<>();
        Trainer trainer = Trainer.builder().epochs(EPOCHS).learningRate(2.0).printEvery(20)
                .progress(new PrintStream(log, true, StandardCharsets.UTF_8))
                .listener((r, total) -> seen.add(r.epoch())).build();
        TrainingResult result = trainer.fit(net, new SequentialPartitioning(CORPUS, 4, 10, 5));
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        double first = result.epochs().get(0).perplexity();
        double last = result.last().perplexity();
        assertTrue(first > 10, "an untrained model is close to uniform over the vocabulary: " + first);
        assertTrue(last < 1.3, "perplexity after training: " + last);
        assertEquals(EPOCHS, seen.size(), "the listener hears every epoch");
        assertTrue(printed.contains("global L2 norm over all parameters <= 1.0"), printed);
        assertTrue(printed.contains("epoch " + EPOCHS + "/" + EPOCHS), printed);
        assertTrue(result.tokensPerSecond() > 0);

        String text = new TextGenerator(net, CORPUS.vocab()).predict("the time ", PHRASE.length());
        String expected = (PHRASE + PHRASE).substring(0, "the time ".length() + PHRASE.length());
        assertEquals(expected, text);
    }

    @Test
    void sameSeedGivesTheSameLosses() {
        double[] a = trainer(3, null).fit(network(CellType.SIMPLE_RNN, DataType.FLOAT), new RandomSampling(CORPUS, 4, 10, 9)).perplexities();
        double[] b = trainer(3, null).fit(network(CellType.SIMPLE_RNN, DataType.FLOAT), new RandomSampling(CORPUS, 4, 10, 9)).perplexities();
        assertArrayEquals(a, b, 0.0);
        double[] c = trainer(3, null).fit(network(CellType.SIMPLE_RNN, DataType.FLOAT), new RandomSampling(CORPUS, 4, 10, 10)).perplexities();
        assertFalse(java.util.Arrays.equals(a, c), "another data seed gives other batches");
    }

    /** The second of two consecutive sequential batches starts where the first ended: as one long sequence. */
    @Test
    void sequentialBatchesCarryTheHiddenState() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.DOUBLE);
        SequentialPartitioning batches = new SequentialPartitioning(CORPUS.tokens(), CORPUS.vocab().size(), 3, 8, 1, DataType.DOUBLE);
        batches.reset();
        DataSet b1 = batches.next(), b2 = batches.next();

        Dl4jBatchGradient engine = new Dl4jBatchGradient();
        engine.prepare(net, true, 8);
        engine.compute(net, b1);
        double carried = engine.compute(net, b2);
        engine.finish(net);

        INDArray joined = Nd4j.concat(2, b1.getFeatures(), b2.getFeatures());
        INDArray probs = net.output(joined).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(8, 16));
        double expected = CrossEntropy.summed(probs, b2.getLabels());
        assertEquals(expected, carried, 1e-9);

        engine.prepare(net, false, 8);
        double fresh = engine.compute(net, b2);
        engine.finish(net);
        assertNotEquals(expected, fresh, 1e-6);
        assertEquals(CrossEntropy.summed(net, b2), fresh, 1e-9);
    }

    


    @Test
    void trainerLeavesTheNetworkConfigurationAsItFoundIt() {
        MultiLayerNetwork net = network(CellType.SIMPLE_RNN, DataType.FLOAT);
        var before = net.getLayerWiseConfigurations().getBackpropType();
        trainer(1, null).fit(net, new SequentialPartitioning(CORPUS, 4, 10, 3));
        assertEquals(before, net.getLayerWiseConfigurations().getBackpropType());
    }

    @Test
    void predictorRejectsUnknownCharactersAndIsDeterministic() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.FLOAT);
        TextGenerator generator = new TextGenerator(net, CORPUS.vocab());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> generator.predict("Time travel!", 5));
        assertTrue(e.getMessage().contains("'T' at position 0") && e.getMessage().contains("'!' at position 11"), e.getMessage());
        assertEquals(generator.predict("time", 30), generator.predict("time", 30));
        assertEquals("time".length() + 30, generator.predict("time", 30).length());
        assertThrows(IllegalArgumentException.class, () -> generator.predict("", 5));
    }

    @Test
    void describeSaysWhichClippingRuns() {
        MultiLayerNetwork perLayer = new DeepRnnBuilder().layers(2).hiddenUnits(4).vocabSize(5)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer, 0.5).network();
        String both = trainer(1, null).describe(perLayer);
        assertTrue(both.contains("global L2 norm over all parameters <= 1.0 (d2l)"), both);
        assertTrue(both.contains("DL4J ClipL2PerLayer 0.5 on layer 0") && both.contains("on layer 2"), both);
        String dl4jOnly = Trainer.builder().noClipping().build().describe(perLayer);
        assertFalse(dl4jOnly.contains("global"), dl4jOnly);
        MultiLayerNetwork plain = network(CellType.LSTM, DataType.FLOAT);
        String plainText = Trainer.builder().noClipping().build().describe(plain);
        assertTrue(plainText.endsWith("clipping: none; gradients: " + EngineChoice.of(plain).describe()), plainText);
        // a network neither fast engine handles: the line names both reasons, so a slow run says why it is slow
        MultiLayerNetwork layerNorm = new DeepRnnBuilder().cell(CellType.GRU).layerNorm(true).layers(2).hiddenUnits(4).vocabSize(5).network();
        String neither = Trainer.builder().build().describe(layerNorm);
        String reason = "layer 0 (GRU): layer normalisation is not supported (DL4J's engine trains the layer-normalised GRU) (and 1 more)";
        String oneDnn = OneDnnGradient.unavailableReason() == null ? reason : OneDnnGradient.unavailableReason() + " (and 2 more)";
        assertTrue(neither.endsWith("gradients: Dl4jBatchGradient (no oneDNN path: " + oneDnn + "; no fused path: " + reason + ")"), neither);
    }

    @Test
    void describeSaysWhenTheTrainersLearningRateReplacesTheConfigurations() {
        MultiLayerNetwork net = new DeepRnnBuilder().layers(1).hiddenUnits(4).vocabSize(5)
                .updater(new org.nd4j.linalg.learning.config.Sgd(1.0)).network();
        String replaced = Trainer.builder().learningRate(2.0).build().describe(net);
        assertTrue(replaced.contains("updater Sgd lr 2.0 (replaces the configuration's 1.0)"), replaced);
        String same = Trainer.builder().learningRate(1.0).build().describe(net);
        assertFalse(same.contains("replaces"), same);
        String fromConfig = Trainer.builder().build().describe(net);
        assertTrue(fromConfig.contains("(learning rate from the configuration)") && !fromConfig.contains("replaces"), fromConfig);
    }

    /** A regression model on a noisy sine: the loss per step falls, and progress speaks of loss, not perplexity. */
    @Test
    void regressionModelReportsItsLossAndHasNoPerplexity() {
        Random r = new Random(4);
        List<DataSet> batches = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            INDArray x = Nd4j.create(DataType.FLOAT, 8, 1, 20), y = Nd4j.create(DataType.FLOAT, 8, 1, 20);
            for (int s = 0; s < 8; s++) {
                double phase = 2 * Math.PI * r.nextDouble();
                for (int t = 0; t < 20; t++) {
                    x.putScalar(new long[]{s, 0, t}, Math.sin(0.5 * t + phase));
                    y.putScalar(new long[]{s, 0, t}, Math.sin(0.5 * (t + 1) + phase));
                }
            }
            batches.add(new DataSet(x, y));
        }
        MultiLayerNetwork net = new DeepRnnBuilder().layers(2).hiddenUnits(16).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).updater(new Adam(0.01)).seed(1).network();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult result = Trainer.builder().epochs(40).printEvery(20).progress(new PrintStream(log, true, StandardCharsets.UTF_8))
                .build().fit(net, new ListDataSetIterator<>(batches, 8), new ListDataSetIterator<>(batches.subList(0, 1), 8));
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("gradients: " + (OneDnnGradient.available() ? "OneDnnGradient" : "FusedRnnGradient")), printed);
        assertTrue(printed.contains("per predicted step"), printed);
        assertTrue(printed.contains("epoch 40/40  loss ") && printed.contains("done: loss "), printed);
        assertFalse(printed.contains("perplexity"), printed);
        double first = result.epochs().get(0).loss(), last = result.last().loss();
        assertTrue(first > 0.3 && last < first / 10, "mean squared error per step from " + first + " to " + last);
        assertTrue(result.last().hasValidation());
        assertEquals(result.losses()[39], last, 0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> result.last().perplexity());
        assertTrue(e.getMessage().contains("loss()"), e.getMessage());
        assertThrows(IllegalStateException.class, result::perplexities);
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> Trainer.perplexity(net, new ListDataSetIterator<>(batches, 8)));
        assertTrue(p.getMessage().contains("meanLoss"), p.getMessage());
        assertFalse(Trainer.isCrossEntropy(net));
        assertTrue(Trainer.isCrossEntropy(network(CellType.LSTM, DataType.FLOAT)));
    }

    /** The last epoch's validation perplexity against exp of the mean cross-entropy computed here from DL4J's output. */
    @Test
    void validationPerplexityIsExpOfTheMeanCrossEntropyOfTheOutput() {
        MultiLayerNetwork net = network(CellType.LSTM, DataType.FLOAT);
        SequentialPartitioning validation = SequentialPartitioning.fixed(CORPUS, 4, 10); // the same batches every epoch
        TrainingResult result = trainer(2, null).fit(net, new RandomSampling(CORPUS, 4, 10, 9), validation);
        double lossSum = 0;
        long tokens = 0;
        validation.reset();
        while (validation.hasNext()) {
            DataSet batch = validation.next();
            lossSum += CrossEntropy.summed(net, batch);
            tokens += batch.getFeatures().size(0) * batch.getFeatures().size(2);
        }
        EpochResult last = result.last();
        assertEquals(Math.exp(lossSum / tokens), last.validationPerplexity(), 1e-4 * last.validationPerplexity());
        assertEquals("perplexity", last.metricName());
        assertEquals(last.perplexity(), last.metric(), 0.0);
    }

    /** Validation goes through the training engine; its figure must be DL4J's own score of the same network. */
    @Test
    void validationThroughTheEngineEqualsDl4jsScore() {
        SequentialPartitioning validation = SequentialPartitioning.fixed(CORPUS, 4, 10);
        for (CellType cell : CellType.values()) {
            List<Supplier<BatchGradient>> engines = new ArrayList<>();
            engines.add(FusedRnnGradient::new);
            if (OneDnnGradient.available()) {
                engines.add(OneDnnGradient::create);
            }
            for (var engine : engines) {
                MultiLayerNetwork net = network(cell, DataType.FLOAT);
                TrainingResult result = Trainer.builder().epochs(2).learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                        .batchGradient(engine).build().fit(net, new RandomSampling(CORPUS, 4, 10, 9), validation);
                double dl4j = Trainer.perplexity(net, validation);
                String label = cell + " on " + engine.get().getClass().getSimpleName();
                assertEquals(dl4j, result.last().validationPerplexity(), 1e-5 * dl4j, label);
            }
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(0))
                .getMessage().contains("epochs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Trainer.builder().learningRate(-2))
                .getMessage().contains("learningRate"));
        MultiLayerNetwork other = new DeepRnnBuilder().layers(1).hiddenUnits(4).vocabSize(7).network();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TextGenerator(other, CORPUS.vocab()))
                .getMessage().contains("vocabulary"));
    }

    /** The benchmark's stepwise view trains exactly as fit does: same engine, loss scale, clipping and update. */
    @Test
    void stepwiseTrainsExactlyAsFit() {
        List<DataSet> batches = new ArrayList<>();
        new RandomSampling(CORPUS, 4, 10, 9).forEachRemaining(batches::add);
        MultiLayerNetwork fitted = network(CellType.LSTM, DataType.DOUBLE), stepped = network(CellType.LSTM, DataType.DOUBLE);
        Trainer trainer = Trainer.builder().epochs(1).learningRate(1.0).clipGlobalNorm(1.0).progress(null).build();
        trainer.fit(fitted, new ListDataSetIterator<>(batches, 1));
        try (Trainer.Steps steps = trainer.stepwise(stepped)) {
            batches.forEach(steps::step);
        }
        assertEquals(0.0, fitted.params().sub(stepped.params()).amaxNumber().doubleValue(), 0.0);
    }
}
