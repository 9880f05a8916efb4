package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.TrainingFixtures;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {

    private static TrainingResult history(double... trainValPairs) {
        List<EpochResult> epochs = new java.util.ArrayList<>();
        for (int i = 0; i < trainValPairs.length; i += 2) {
            epochs.add(EpochResult.ofPerplexity(i / 2 + 1, trainValPairs[i], trainValPairs[i + 1], 1000, 2.0 + i, 10.0 * (i + 1)));
        }
        return new TrainingResult(epochs, 99);
    }

    @Test
    void tableShowsFinalBestAndSpeedOfEveryRun() {
        Comparison c = new Comparison("dropout", null);
        c.add("p=0", 1234, history(10, 12, 5, 9, 2, 11));
        c.add("p=0.5", 1234, history(12, 13, 8, 10, 6, 8.5));
        String table = c.table();
        System.out.print(table);
        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].contains("train ppl") && lines[0].contains("val ppl") && lines[0].contains("s/epoch") && lines[0].contains("epochs"), lines[0]);
        // p=0: last epoch train 2, val 11; best validation 9 at epoch 2; largest norm 50; (2 + 4 + 6) / 3 s per epoch.
        assertTrue(lines[1].matches("p=0\\s+1,234\\s+3\\s+2\\.000\\s+11\\.000\\s+9\\.000 \\(2\\)\\s+50\\.000\\s+4\\.00"), lines[1]);
        assertTrue(lines[2].matches("p=0\\.5\\s+1,234\\s+3\\s+6\\.000\\s+8\\.500\\s+8\\.500 \\(3\\)\\s+50\\.000\\s+4\\.00"), lines[2]);
        assertEquals(2, c.run("p=0").bestValidationEpoch().epoch());
    }

    @Test
    void chartHasOneSeriesPerRunAndStopsWhereARunBlewUp() {
        Comparison c = new Comparison("clipping", null);
        c.add("clipped", 10, history(10, 10, 5, 5, 3, 3));
        c.add("unclipped", 10, history(10, 10, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN));
        LineChart chart = c.chart("training perplexity", "perplexity", EpochResult::perplexity);
        assertEquals(List.of("clipped", "unclipped"), chart.seriesNames());
        assertEquals(3, chart.size("clipped"));
        assertEquals(1, chart.size("unclipped"), "the series ends before the first value that is not finite");
    }

    @Test
    void trainRecordsTheRunWithTheNetworksParameterCount() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.SIMPLE_RNN, DataType.FLOAT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Comparison c = new Comparison("depth", new PrintStream(out, true, StandardCharsets.UTF_8));
        TrainingResult r = c.train("L=2", net, TrainingFixtures.trainer(3, null),
                new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 1), new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 2));
        assertEquals(3, r.epochs().size());
        assertEquals(net.numParams(), c.run("L=2").parameters());
        assertTrue(r.last().hasValidation());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("== depth: L=2"));
    }

    @Test
    void trainsAResidualGraphToo() {
        ComputationGraph graph = new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(2).hiddenUnits(8)
                .vocabSize(TrainingFixtures.CORPUS.vocab().size()).seed(5).graph(true);
        Comparison c = new Comparison("residual", null);
        TrainingResult r = c.train("residual", graph, TrainingFixtures.trainer(2, null),
                new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 1), new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 2));
        assertEquals(graph.numParams(), c.run("residual").parameters());
        assertEquals(2, r.epochs().size());
        assertTrue(c.table().contains("residual"));
    }

    @Test
    void badUseIsExplained() {
        Comparison c = new Comparison("init", null);
        assertTrue(assertThrows(IllegalStateException.class, c::table).getMessage().contains("no runs yet"));
        c.add("xavier", 1, history(3, 3));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> c.add("xavier", 1, history(3, 3)));
        assertTrue(dup.getMessage().contains("already has a run named 'xavier'"), dup.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> c.run("normal"));
        assertTrue(missing.getMessage().contains("[xavier]"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.add(" ", 1, history(3, 3)));
        c.add("no validation", 1, new TrainingResult(List.of(new EpochResult(1, 1.0, Double.NaN, 10, 1, 1, true)), 1));
        assertTrue(c.table().contains("no validation"));
    }
}
