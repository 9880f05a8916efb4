package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.engine.Dl4jBatchGradient;
import org.deeprnn.engine.FusedRnnGradient;
import org.deeprnn.engine.onednn.OneDnnGradient;
import org.deeprnn.generate.TextGenerator;
import org.deeprnn.model.CellType;
import org.deeprnn.scratch.ScratchDeepRnn;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.text.SequentialPartitioning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.deeprnn.train.TrainingFixtures.CORPUS;
import static org.deeprnn.train.TrainingFixtures.PHRASE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A 2-layer GRU language model trains with the project's {@link Trainer} (on the fused path, which
 * the trainer picks for GRU stacks) and generates with {@link TextGenerator}, as the "Deep GRU"
 * section of the experiments notebook does on The Time Machine.
 */
class GruTrainingTest {

    @Test
    void sequentialPartitioningTrainsATwoLayerGruThatReproducesTheText() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.GRU, DataType.FLOAT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult result = Trainer.builder().epochs(25).learningRate(2.0).printEvery(5)
                .progress(new PrintStream(log, true, StandardCharsets.UTF_8)).build()
                .fit(net, new SequentialPartitioning(CORPUS, 4, 10, 5));
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("gradients: " + (OneDnnGradient.available() ? "OneDnnGradient" : "FusedRnnGradient")), printed);
        assertTrue(printed.contains("hidden state carried across consecutive batches"), printed);

        double first = result.epochs().get(0).perplexity();
        double last = result.last().perplexity();
        assertTrue(first > 10, "an untrained model is close to uniform over the vocabulary: " + first);
        assertTrue(last < 1.3, "perplexity after training: " + last);

        String text = new TextGenerator(net, CORPUS.vocab()).predict("the time ", PHRASE.length());
        assertEquals((PHRASE + PHRASE).substring(0, "the time ".length() + PHRASE.length()), text);
    }

    @Test
    void randomSamplingLowersThePerplexity() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.GRU, DataType.FLOAT);
        TrainingResult result = Trainer.builder().epochs(8).learningRate(2.0).progress(null).build()
                .fit(net, new RandomSampling(CORPUS, 4, 10, 7));
        double first = result.epochs().get(0).perplexity();
        double last = result.last().perplexity();
        assertTrue(last < first / 3, "perplexity " + first + " -> " + last);
    }

    /** Both gradient engines train the carried-state GRU to the same perplexities (they compute the same gradient). */
    @Test
    void dl4jPathGivesTheSameRun() {
        TrainingResult fused = Trainer.builder().epochs(3).learningRate(2.0).progress(null).build()
                .fit(TrainingFixtures.network(CellType.GRU, DataType.FLOAT), new SequentialPartitioning(CORPUS, 4, 10, 5));
        TrainingResult dl4j = Trainer.builder().epochs(3).learningRate(2.0).progress(null).batchGradient(Dl4jBatchGradient::new).build()
                .fit(TrainingFixtures.network(CellType.GRU, DataType.FLOAT), new SequentialPartitioning(CORPUS, 4, 10, 5));
        for (int e = 0; e < 3; e++) {
            double a = fused.epochs().get(e).perplexity(), b = dl4j.epochs().get(e).perplexity();
            assertEquals(b, a, 1e-4 * b, "epoch " + (e + 1));
        }
    }

    @Test
    void fusedPathCoversTheGruAndTheScratchModelSaysItDoesNot() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.GRU, DataType.FLOAT);
        assertEquals(java.util.Set.of(), org.deeprnn.fixtures.EngineFixtures.obstacleKinds(net, org.deeprnn.engine.Engine.FUSED));
        IllegalArgumentException scratch = assertThrows(IllegalArgumentException.class, () -> ScratchDeepRnn.fromNetwork(net));
        assertTrue(scratch.getMessage().contains("GRU") && scratch.getMessage().contains("only mirrors SimpleRnn"), scratch.getMessage());
    }
}
