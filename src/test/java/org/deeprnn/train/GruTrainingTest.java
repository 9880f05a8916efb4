package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.data.RandomSampling;
import org.deeprnn.data.SequentialPartitioning;
import org.deeprnn.model.CellType;
import org.deeprnn.scratch.ScratchDeepRnn;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.deeprnn.train.TrainerTest.CORPUS;
import static org.deeprnn.train.TrainerTest.PHRASE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A 2-layer GRU language model trains with the project's {@link Trainer} (on DL4J's backprop: the
 * fused path covers LSTM and SimpleRnn only) and generates with {@link TextGenerator}, as the
 * "Deep GRU" section of the experiments notebook does on The Time Machine.
 */
class GruTrainingTest {

    @Test
    void sequentialPartitioningTrainsATwoLayerGruThatReproducesTheText() {
        MultiLayerNetwork net = TrainerTest.network(CellType.GRU, DataType.FLOAT);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult result = Trainer.builder().epochs(25).learningRate(2.0).printEvery(5)
                .progress(new PrintStream(log, true, StandardCharsets.UTF_8)).build()
                .fit(net, new SequentialPartitioning(CORPUS, 4, 10, 5));
        String printed = log.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("gradients: Dl4jBatchGradient (no fused path: layer 0 (GRU)"), printed);
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
        MultiLayerNetwork net = TrainerTest.network(CellType.GRU, DataType.FLOAT);
        TrainingResult result = Trainer.builder().epochs(8).learningRate(2.0).progress(null).build()
                .fit(net, new RandomSampling(CORPUS, 4, 10, 7));
        double first = result.epochs().get(0).perplexity();
        double last = result.last().perplexity();
        assertTrue(last < first / 3, "perplexity " + first + " -> " + last);
    }

    @Test
    void fusedPathAndScratchModelSayTheyDoNotCoverTheGru() {
        MultiLayerNetwork net = TrainerTest.network(CellType.GRU, DataType.FLOAT);
        String reason = FusedRnnGradient.unsupportedReason(net);
        assertNotNull(reason);
        assertTrue(reason.contains("layer 0 (GRU)") && reason.contains("only LSTM and SimpleRnn"), reason);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FusedRnnGradient().prepare(net, false, 10));
        assertTrue(e.getMessage().contains("Dl4jBatchGradient"), e.getMessage());
        IllegalArgumentException scratch = assertThrows(IllegalArgumentException.class, () -> ScratchDeepRnn.fromNetwork(net));
        assertTrue(scratch.getMessage().contains("GRU") && scratch.getMessage().contains("only mirrors SimpleRnn"), scratch.getMessage());
    }
}
