package org.deeprnn.train;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.text.SequentialPartitioning;
import org.deeprnn.text.WindowSampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Trainer} on the graphs of {@code DeepRnnBuilder.buildGraph} (section "Residual
 * connections"): the plain graph trains exactly as the equivalent stack, the residual graph's
 * gradient is that of its loss, and what a graph cannot do is refused with the reason.
 */
class ResidualTrainingTest {
    static final int VOCAB = TrainingFixtures.CORPUS.vocab().size();

    static DeepRnnBuilder builder(CellType cell, int layers, int hidden, IUpdater updater) {
        return new DeepRnnBuilder().cell(cell).layers(layers).hiddenUnits(hidden).vocabSize(VOCAB).seed(5)
                .updater(updater).dataType(DataType.DOUBLE);
    }

    static ComputationGraph graph(DeepRnnBuilder b, boolean residual) {
        ComputationGraph graph = b.graph(residual);
        return graph;
    }

    /** A plain graph holding the stack's parameters layer by layer. */
    static ComputationGraph plainCopyOf(MultiLayerNetwork stack, DeepRnnBuilder b, int layers) {
        ComputationGraph graph = graph(b, false);
        for (int l = 1; l <= layers; l++) {
            graph.getLayer(DeepRnnBuilder.recurrentVertex(l)).setParams(stack.getLayer(l - 1).params().dup());
        }
        graph.getLayer(DeepRnnBuilder.GRAPH_OUTPUT).setParams(stack.getLayer(layers).params().dup());
        return graph;
    }

    static WindowSampling.Split windows() {
        return WindowSampling.split(TrainingFixtures.CORPUS.tokens(), VOCAB, 16, 8, 120, 40, 3, DataType.DOUBLE);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"SIMPLE_RNN, sgd", "LSTM, adam", "GRU, sgd"})
    void plainGraphTrainsExactlyAsTheStack(CellType cell, String updaterName) {
        IUpdater updater = updaterName.equals("adam") ? new Adam(0.01) : new Sgd(1.0);
        int layers = 3;
        DeepRnnBuilder b = builder(cell, layers, 8, updater);
        MultiLayerNetwork stack = b.network();
        ComputationGraph graph = plainCopyOf(stack, b, layers);
        assertEquals(stack.params(), graph.params(), "the copied parameters lie in the same order");

        DataSet batch = windows().train().next();
        Dl4jBatchGradient reference = new Dl4jBatchGradient();
        reference.prepare(stack, false, 8);
        double stackLoss = reference.compute(stack, batch);
        reference.finish(stack);
        TrainedNetwork graphPath = TrainedNetwork.of(graph);
        graphPath.prepare(null, false, 8);
        double graphLoss = graphPath.compute(batch);
        graphPath.finish();
        assertEquals(stackLoss, graphLoss, 1e-10 * stackLoss, "summed loss of one batch");
        assertEquals(CrossEntropy.summed(graph.outputSingle(batch.getFeatures()), batch.getLabels()), graphLoss, 1e-10 * graphLoss);
        double gradientGap = stack.gradient().gradient().sub(graph.gradient().gradient()).norm2Number().doubleValue();
        assertTrue(gradientGap < 1e-10, "raw gradients differ by " + gradientGap);

        Trainer trainer = Trainer.builder().epochs(4).progress(null).batchGradient(Dl4jBatchGradient::new).build();
        WindowSampling.Split forStack = windows(), forGraph = windows();
        TrainingResult s = trainer.fit(stack, forStack.train(), forStack.validation());
        TrainingResult g = trainer.fit(graph, forGraph.train(), forGraph.validation());
        System.out.printf("%s/%s: stack losses %s, graph losses %s%n", cell, updaterName,
                java.util.Arrays.toString(s.losses()), java.util.Arrays.toString(g.losses()));
        assertArrayEquals(s.losses(), g.losses(), 1e-6);
        assertArrayEquals(s.validationLosses(), g.validationLosses(), 1e-6);
        assertTrue(s.losses()[3] < s.losses()[0], "the loss falls, so the comparison covers real updates");
        assertEquals(s.last().tokens(), g.last().tokens());
        assertEquals(0, stack.params().sub(graph.params()).norm2Number().doubleValue(), 1e-6, "parameters after training");
        assertEquals(stack.getIterationCount(), graph.getIterationCount());
        assertEquals(stack.getEpochCount(), graph.getEpochCount());
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void residualGraphGradientMatchesFiniteDifferences(CellType cell) {
        int vocab = 5;
        ComputationGraph graph = graph(builder(cell, 3, 3, new Sgd(1.0)).vocabSize(vocab), true);
        Random r = new Random(17);
        DataSet batch = RandomBatches.oneHot(r, DataType.DOUBLE, 2, vocab, 5);
        INDArray x = batch.getFeatures(), y = batch.getLabels();
        TrainedNetwork path = TrainedNetwork.of(graph);
        path.prepare(null, false, 5);
        double loss = path.compute(batch);
        path.finish();
        assertEquals(CrossEntropy.summed(graph.outputSingle(x), y), loss, 1e-10 * loss, "reported loss is the summed cross-entropy");
        INDArray analytic = graph.gradient().gradient().dup();
        INDArray params = graph.params();
        double eps = 1e-6, worst = 0;
        for (long i = 0; i < params.length(); i++) {
            double p = params.getDouble(i);
            params.putScalar(i, p + eps);
            double up = CrossEntropy.summed(graph.outputSingle(x), y);
            params.putScalar(i, p - eps);
            double down = CrossEntropy.summed(graph.outputSingle(x), y);
            params.putScalar(i, p);
            double numeric = (up - down) / (2 * eps);
            double error = Math.abs(numeric - analytic.getDouble(i)) / Math.max(1, Math.abs(numeric));
            worst = Math.max(worst, error);
            assertTrue(error < 1e-6, cell + " parameter " + i + ": numeric " + numeric + ", analytic " + analytic.getDouble(i));
        }
        System.out.printf("%s residual graph, %d parameters: worst relative gradient error %.2e%n", cell, params.length(), worst);
    }

    @Test
    void residualGraphLearnsAndReportsLikeAStack() {
        ComputationGraph graph = new DeepRnnBuilder().cell(CellType.LSTM).layers(3).hiddenUnits(32)
                .vocabSize(VOCAB).seed(123).graph(true);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Integer> seen = new ArrayList<>();
        List<DataSet> held = new ArrayList<>();
        new RandomSampling(TrainingFixtures.CORPUS, 8, 10, 1).forEachRemaining(held::add);
        TrainingResult result = Trainer.builder().epochs(30).learningRate(2.0).printEvery(10)
                .progress(new PrintStream(log, true, StandardCharsets.UTF_8)).listener((e, total) -> seen.add(e.epoch())).build()
                .fit(graph, new RandomSampling(TrainingFixtures.CORPUS, 8, 10, 9), new ListDataSetIterator<>(held, 8));
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.startsWith("training 30 epochs, " + String.format("%,d", graph.numParams()) + " parameters, updater Sgd lr 2.0"), printed);
        assertTrue(printed.contains("gradients: DL4J ComputationGraph backpropagation; hidden state reset for every batch"), printed);
        assertTrue(printed.contains("epoch 30/30  perplexity ") && printed.contains("  validation ") && printed.contains("done: perplexity "), printed);
        assertEquals(30, seen.size());
        double first = result.epochs().get(0).perplexity(), last = result.last().perplexity();
        assertTrue(first > 8 && last < 2, "perplexity from " + first + " to " + last);
        assertEquals(result.last().validationPerplexity(), Trainer.perplexity(graph, new ListDataSetIterator<>(held, 8)), 1e-9);
        assertTrue(Trainer.isCrossEntropy(graph));
    }

    @Test
    void describeNamesTheGraphLayersThatClipThemselves() {
        ComputationGraph graph = graph(builder(CellType.SIMPLE_RNN, 2, 4, new Sgd(1.0))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer, 0.5), true);
        String text = Trainer.builder().batchGradient(FusedRnnGradient::new).build().describe(graph);
        assertTrue(text.contains("DL4J ClipL2PerLayer 0.5 on layer rnn1") && text.contains("on layer output"), text);
        assertTrue(text.endsWith("gradients: DL4J ComputationGraph backpropagation "
                + "(the configured batchGradient applies to MultiLayerNetwork only)"), text);
    }

    @Test
    void graphsRefuseWhatTheyCannotDo() {
        ComputationGraph graph = graph(builder(CellType.LSTM, 2, 4, new Sgd(1.0)), true);
        Trainer trainer = Trainer.builder().epochs(1).progress(null).build();
        INDArray before = graph.params().dup();
        IllegalArgumentException carry = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(graph, new SequentialPartitioning(TrainingFixtures.CORPUS, 4, 10, 3)));
        assertTrue(carry.getMessage().contains("RandomSampling or WindowSampling") && carry.getMessage().contains("SequentialPartitioning"),
                carry.getMessage());
        assertEquals(before, graph.params(), "nothing was trained");

        ComputationGraph uninitialised = new ComputationGraph(builder(CellType.LSTM, 2, 4, new Sgd(1.0)).buildGraph(true));
        IllegalArgumentException init = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(uninitialised, new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 3)));
        assertTrue(init.getMessage().contains("init()"), init.getMessage());

        ComputationGraphConfiguration twoOutputs = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(VOCAB).nOut(VOCAB).build(), "in")
                .addLayer("b", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(VOCAB).nOut(VOCAB).build(), "in")
                .setOutputs("a", "b").build();
        ComputationGraph two = new ComputationGraph(twoOutputs);
        two.init();
        IllegalArgumentException outputs = assertThrows(IllegalArgumentException.class, () -> Trainer.isCrossEntropy(two));
        assertTrue(outputs.getMessage().contains("1 input(s) and 2 output(s)"), outputs.getMessage());

        ComputationGraph dense = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(3).nOut(2).build(), "in").setOutputs("hidden").build());
        dense.init();
        IllegalArgumentException noLoss = assertThrows(IllegalArgumentException.class, () -> trainer.describe(dense));
        assertTrue(noLoss.getMessage().contains("'hidden' is not an output layer"), noLoss.getMessage());

        ComputationGraph regression = graph(new DeepRnnBuilder().layers(2).hiddenUnits(4).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE), true);
        assertFalse(Trainer.isCrossEntropy(regression));
        DataSet series = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 1, 6), Nd4j.rand(DataType.FLOAT, 2, 1, 6));
        IllegalArgumentException perplexity = assertThrows(IllegalArgumentException.class,
                () -> Trainer.perplexity(regression, new ListDataSetIterator<>(List.of(series), 2)));
        assertTrue(perplexity.getMessage().contains("meanLoss"), perplexity.getMessage());
        double mse = Trainer.meanLoss(regression, new ListDataSetIterator<>(List.of(series), 2));
        INDArray err = regression.outputSingle(series.getFeatures()).sub(series.getLabels());
        assertEquals(err.mul(err).meanNumber().doubleValue(), mse, 1e-6, "mean squared error per step");
    }
}
