package org.deeprnn.train;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.BatchGradient;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.Engine;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.Obstacle;
import org.deeprnn.engine.choice.EngineChoice;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.fixtures.RandomBatches;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.Minibatches;
import org.deeprnn.text.SequentialPartitioning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import static org.deeprnn.fixtures.EngineFixtures.assumeOneDnn;
import static org.deeprnn.train.TrainingFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** The Trainer's choice of gradient engine by network and data (the contract in {@code BatchGradient}). */
class EngineChoiceTest {

    @Test
    void carriedStateOnDl4jsLstmIsRefusedWithTheWayOut() {
        Trainer dl4j = Trainer.builder().epochs(1).progress(null).batchGradient(Dl4jBatchGradient::new).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dl4j.fit(network(CellType.LSTM, DataType.FLOAT),
                Minibatches.of(CORPUS).batchSize(4).numSteps(10).sequentialPartitioning()));
        assertTrue(e.getMessage().contains("layer 0 (LSTM)"), e.getMessage());
        assertTrue(e.getMessage().contains("RandomSampling or WindowSampling"), e.getMessage());
    }

    @Test
    void aNetworkOnlyDl4jCanTrainIsRefusedCarriedStateNamingWhyTheFusedEngineCannot() {
        MultiLayerConfiguration conf = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).cell(CellType.SIMPLE_RNN).layers(2)
                .hiddenUnits(8).build();
        ((BaseLayer) conf.getConf(1).getLayer()).setIDropout(new GaussianDropout(0.2)); // no engine but DL4J's applies it
        MultiLayerNetwork dropout = new MultiLayerNetwork(conf);
        dropout.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(1, null).fit(dropout,
                Minibatches.of(CORPUS).batchSize(4).numSteps(10).sequentialPartitioning()));
        assertTrue(e.getMessage().contains("SimpleRnn"), e.getMessage());
        assertTrue(e.getMessage().contains("this one is not: "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("dropout"), e.getMessage());
        // Random sampling needs no carried state: the same network trains.
        assertEquals(1, trainer(1, null).fit(dropout, Minibatches.of(CORPUS).batchSize(4).numSteps(10).randomSampling()).epochs().size());
    }

    /**
     * DeepRnnBuilder's dropout trains on the oneDNN engine, also with carried state, and validation (through the
     * engine) leaves it out: the validation perplexity is DL4J's own test-time figure.
     */
    @Test
    void dropoutTrainsOnTheOneDnnEngineAndValidatesWithoutIt() {
        assumeOneDnn();
        MultiLayerNetwork net = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).cell(CellType.LSTM).layers(2).hiddenUnits(16)
                .dropout(0.5).seed(4).network();
        assertEquals(Engine.ONEDNN, EngineChoice.of(net, true).chosen());
        SequentialPartitioning validation = SequentialPartitioning.fixed(CORPUS, 4, 10);
        TrainingResult r = trainer(3, null).fit(net, Minibatches.of(CORPUS).batchSize(4).numSteps(10).sequentialPartitioning(), validation);
        double dl4j = Trainer.perplexity(net, validation);
        assertEquals(dl4j, r.last().validationPerplexity(), 1e-5 * dl4j);
        assertTrue(r.last().loss() < r.epochs().get(0).loss(), "training lowers the loss: " + r.epochs());
    }

    /**
     * DL4J's engine may carry the state for a stack of the project's GRUs because its gradient is then that of the loss:
     * the same losses, epoch by epoch, as the fused engine's, which differentiates with the carried state held fixed.
     */
    @Test
    void dl4jsGruStackMayCarryTheState() {
        MultiLayerNetwork net = network(CellType.GRU, DataType.DOUBLE);
        assertEquals(List.of(), EngineChoice.of(net, true).obstacles(Engine.DL4J));
        double[] dl4j = carriedLosses(net, Dl4jBatchGradient::new), fused = carriedLosses(network(CellType.GRU, DataType.DOUBLE),
                FusedRnnGradient::new);
        for (int e = 0; e < fused.length; e++) {
            assertEquals(fused[e], dl4j[e], 1e-9 * fused[e], "epoch " + (e + 1));
        }
    }

    private static double[] carriedLosses(MultiLayerNetwork net, Supplier<BatchGradient> engine) {
        Trainer trainer = Trainer.builder().epochs(2).learningRate(1.0).clipGlobalNorm(1.0).progress(null).batchGradient(engine).build();
        TrainingResult r = trainer.fit(net, Minibatches.of(CORPUS).batchSize(4).numSteps(10).dataType(DataType.DOUBLE).sequentialPartitioning());
        return r.epochs().stream().mapToDouble(EpochResult::loss).toArray();
    }

    /**
     * The layer-normalised GRU is left to DL4J's engine, whose gradient of it is exact with carried
     * state ({@code GRUGradientTest}), so sequential partitioning is not refused; the progress names the engine.
     */
    @Test
    void layerNormalisedGruTrainsOnDl4jsEngineWithCarriedState() {
        MultiLayerNetwork net = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).cell(CellType.GRU).layers(2).hiddenUnits(16)
                .layerNorm(true).seed(5).network();
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        Trainer trainer = trainer(4, new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
        EngineChoice choice = EngineChoice.of(net, true);
        assertEquals(Engine.DL4J, choice.chosen());
        assertEquals(Set.of(Obstacle.Kind.LAYER_NORM), kinds(choice.obstacles(Engine.FUSED)));
        TrainingResult r = trainer.fit(net, Minibatches.of(CORPUS).batchSize(4).numSteps(10).sequentialPartitioning());
        String printed = progress.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("gradients: " + choice.describe()), printed);
        assertEquals(4, r.epochs().size());
        assertTrue(r.last().loss() < r.epochs().get(0).loss(), "training lowers the loss: " + r.epochs());
    }

    private static Set<Obstacle.Kind> kinds(List<Obstacle> obstacles) {
        Set<Obstacle.Kind> kinds = EnumSet.noneOf(Obstacle.Kind.class);
        obstacles.forEach(o -> kinds.add(o.kind()));
        return kinds;
    }

    /** The documented order: oneDNN where its natives load and the network allows, else fused, else DL4J; each refusal named. */
    @Test
    void theChoiceFollowsTheOrderAndNamesEveryObstacle() {
        boolean natives = OneDnnGradient.unavailableReason() == null;
        EngineChoice floats = EngineChoice.of(network(CellType.LSTM, DataType.FLOAT));
        assertEquals(natives ? Engine.ONEDNN : Engine.FUSED, floats.chosen());
        assertEquals(natives ? Set.of() : Set.of(Obstacle.Kind.NATIVES), kinds(floats.obstacles(Engine.ONEDNN)));
        Class<? extends BatchGradient> expected = natives ? OneDnnGradient.class : FusedRnnGradient.class;
        assertEquals(expected, floats.create().getClass());

        EngineChoice doubles = EngineChoice.of(network(CellType.SIMPLE_RNN, DataType.DOUBLE));
        assertEquals(Engine.FUSED, doubles.chosen());
        assertTrue(kinds(doubles.obstacles(Engine.ONEDNN)).contains(Obstacle.Kind.NOT_FLOAT));

        MultiLayerNetwork dropout = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).cell(CellType.GRU).layers(2).hiddenUnits(8).dropout(0.3).network();
        EngineChoice withDropout = EngineChoice.of(dropout);
        assertEquals(Set.of(Obstacle.Kind.DROPOUT), kinds(withDropout.obstacles(Engine.FUSED)));
        assertEquals(natives ? Engine.ONEDNN : Engine.DL4J, withDropout.chosen());

        MultiLayerConfiguration conf = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).cell(CellType.LSTM).layers(2).hiddenUnits(8).build();
        ((BaseLayer) conf.getConf(1).getLayer()).setIDropout(new GaussianDropout(0.2));
        MultiLayerNetwork gaussian = new MultiLayerNetwork(conf);
        gaussian.init();
        assertEquals(Engine.DL4J, EngineChoice.of(gaussian).chosen());
        EngineChoice carried = EngineChoice.of(gaussian, true);
        assertNull(carried.chosen(), "DL4J's LSTM gradient is not that of the loss with carried state, and no other engine applies the dropout");
        assertEquals(Set.of(Obstacle.Kind.CARRIED_STATE), kinds(carried.obstacles(Engine.DL4J)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, carried::create);
        assertTrue(e.getMessage().startsWith("The trainer will not carry the hidden state across batches with Dl4jBatchGradient: layer 0 (LSTM)"),
                e.getMessage());

        ComputationGraph graph = DeepRnnBuilder.forVocabulary(CORPUS.vocab()).layers(2).hiddenUnits(8).graph(true);
        EngineChoice ofGraph = EngineChoice.of(graph, false);
        assertEquals(Engine.DL4J, ofGraph.chosen());
        assertEquals(Set.of(Obstacle.Kind.GRAPH), kinds(ofGraph.obstacles(Engine.FUSED)));
        assertNull(EngineChoice.of(graph, true).chosen());
    }

    /** Batches of 4 sequences whose label masks switch off the last steps of some rows. */
    static List<DataSet> maskedBatches(DataType type) {
        Random r = new Random(11);
        int vocab = CORPUS.vocab().size(), steps = 6;
        List<DataSet> out = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            DataSet batch = RandomBatches.oneHot(r, type, 4, vocab, steps);
            INDArray mask = Nd4j.ones(type, 4, steps);
            for (int b = 0; b < 4; b++) {
                for (int t = steps - b; t < steps; t++) {
                    mask.putScalar(b, t, 0.0);
                }
            }
            out.add(new DataSet(batch.getFeatures(), batch.getLabels(), null, mask));
        }
        return out;
    }

    @Test
    void maskedBatchesTrainThroughDl4jsEngineInsteadOfFailing() {
        MultiLayerNetwork byDefault = network(CellType.LSTM, DataType.DOUBLE);
        MultiLayerNetwork byDl4j = network(CellType.LSTM, DataType.DOUBLE);
        TrainingResult a = trainer(3, null).fit(byDefault, new ListDataSetIterator<>(maskedBatches(DataType.DOUBLE), 1));
        TrainingResult b = Trainer.builder().epochs(3).learningRate(1.0).clipGlobalNorm(1.0).progress(null)
                .batchGradient(Dl4jBatchGradient::new).build()
                .fit(byDl4j, new ListDataSetIterator<>(maskedBatches(DataType.DOUBLE), 1));
        for (int e = 0; e < 3; e++) {
            assertEquals(b.epochs().get(e).loss(), a.epochs().get(e).loss(), 1e-12, "epoch " + e);
        }
        assertEquals(0.0, byDefault.params().sub(byDl4j.params()).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void aFloatNetworkTrainsOnDoubleDataAsOnFloatData() {
        MultiLayerNetwork onFloat = network(CellType.LSTM, DataType.FLOAT);
        MultiLayerNetwork onDouble = network(CellType.LSTM, DataType.FLOAT);
        TrainingResult f = trainer(2, null).fit(onFloat, Minibatches.of(CORPUS).batchSize(4).numSteps(10).seed(2).randomSampling());
        TrainingResult d = trainer(2, null).fit(onDouble,
                Minibatches.of(CORPUS).batchSize(4).numSteps(10).seed(2).dataType(DataType.DOUBLE).randomSampling());
        for (int e = 0; e < 2; e++) {
            assertEquals(f.epochs().get(e).loss(), d.epochs().get(e).loss(), 1e-5, "epoch " + e);
        }
        assertEquals(DataType.FLOAT, onDouble.params().dataType());
    }
}
