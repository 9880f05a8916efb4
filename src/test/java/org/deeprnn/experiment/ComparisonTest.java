package org.deeprnn.experiment;

import org.deeprnn.chart.LineChart;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.model.OutputMode;
import org.deeprnn.scratch.SameDiffDeepRnn;
import org.deeprnn.text.RandomSampling;
import org.deeprnn.train.EpochResult;
import org.deeprnn.train.Trainer;
import org.deeprnn.train.TrainingDivergedException;
import org.deeprnn.train.TrainingFixtures;
import org.deeprnn.train.TrainingResult;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

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
        Comparison c = Comparison.of("dropout").quiet();
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
        Comparison c = Comparison.of("clipping").quiet();
        c.add("clipped", 10, history(10, 10, 5, 5, 3, 3));
        c.add("unclipped", 10, history(10, 10, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, Double.NaN));
        LineChart chart = c.chart("training perplexity", "perplexity", EpochResult::perplexity);
        assertEquals(List.of("clipped", "unclipped"), chart.seriesNames());
        assertEquals(3, chart.size("clipped"));
        assertEquals(1, chart.size("unclipped"), "the series ends before the first value that is not finite");
    }

    @Test
    void aSettingKeepsItsColourInEveryPanel() {
        Comparison c = Comparison.of("clipping").quiet();
        c.add("clipped", 10, history(10, 10, 5, 5, 3, 3));
        c.add("unclipped", 10, history(10, 10, 1e6, 1e7, 1e8, 1e9));
        LineChart both = c.chart("both", "perplexity", EpochResult::perplexity);
        LineChart alone = c.chart("unclipped alone", "perplexity", EpochResult::perplexity, "unclipped");
        LineChart reversed = c.chart("reversed", "perplexity", EpochResult::perplexity, "unclipped", "clipped");
        assertEquals(both.color("unclipped"), alone.color("unclipped"));
        assertEquals(both.color("unclipped"), reversed.color("unclipped"));
        assertEquals(both.color("clipped"), reversed.color("clipped"));
        assertEquals(LineChart.PALETTE.get(1), alone.color("unclipped"));
    }

    private static RandomSampling training() {
        return new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 1);
    }

    private static RandomSampling validation() {
        return new RandomSampling(TrainingFixtures.CORPUS, 4, 10, 2);
    }

    private static MultiLayerNetwork oneLayer(long seed) {
        return new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(1).hiddenUnits(8)
                .vocabSize(TrainingFixtures.CORPUS.vocab().size()).seed(seed).network();
    }

    /** Without seeds a setting trains once, with the trainer's own lines under a heading, and records its model's size. */
    @Test
    void withoutSeedsASettingTrainsOnceAsTheTrainerWould() {
        MultiLayerNetwork net = TrainingFixtures.network(CellType.SIMPLE_RNN, DataType.FLOAT);
        MultiLayerNetwork twin = TrainingFixtures.network(CellType.SIMPLE_RNN, DataType.FLOAT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Comparison c = Comparison.of("depth").progress(new PrintStream(out, true, StandardCharsets.UTF_8)).validation(validation());
        List<Long> seen = new java.util.ArrayList<>();
        List<Comparison.Run> runs = c.train("L=2", seed -> {
            seen.add(seed);
            return net;
        }, TrainingFixtures.trainer(3, new PrintStream(out, true, StandardCharsets.UTF_8)), training());
        assertEquals(List.of(Comparison.NO_SEED), seen);
        assertEquals(1, runs.size());
        assertEquals(runs.get(0), c.run("L=2"));
        assertEquals(net.numParams(), c.run("L=2").parameters());
        TrainingResult alone = TrainingFixtures.trainer(3, null).fit(twin, training(), validation());
        assertArrayEquals(alone.losses(), c.run("L=2").result().losses(), 0);
        assertArrayEquals(alone.validationLosses(), c.run("L=2").result().validationLosses(), 0);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("== depth: L=2\ntraining 3 epochs"), printed);
        assertTrue(printed.contains("done: perplexity"), printed);
    }

    @Test
    void trainsAResidualGraphAndATrainableToo() {
        ComputationGraph graph = new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(2).hiddenUnits(8)
                .vocabSize(TrainingFixtures.CORPUS.vocab().size()).seed(5).graph(true);
        Comparison c = Comparison.of("residual").quiet().validation(validation());
        c.train("residual", seed -> graph, TrainingFixtures.trainer(2, null), training());
        assertEquals(graph.numParams(), c.run("residual").parameters());
        assertEquals(2, c.run("residual").result().epochs().size());
        SameDiffDeepRnn sameDiff = new SameDiffDeepRnn(TrainingFixtures.CORPUS.vocab().size(), 6, 2,
                TrainingFixtures.CORPUS.vocab().size(), 3, DataType.FLOAT);
        c.train("SameDiff", seed -> sameDiff, TrainingFixtures.trainer(2, null), training());
        assertEquals(sameDiff.numParams(), c.run("SameDiff").parameters());
        assertTrue(c.run("SameDiff").result().last().hasValidation());
        assertTrue(c.table().contains("residual") && c.table().contains("SameDiff"), c.table());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.train("a string", seed -> "net", TrainingFixtures.trainer(1, null), training()));
        assertEquals("The model of 'a string' is a java.lang.String: build a MultiLayerNetwork, a ComputationGraph or a "
                + "Trainable from the seed", e.getMessage());
        assertEquals(List.of("residual", "SameDiff"), c.names(), "a failed setting is not recorded");
    }

    @Test
    void badUseIsExplained() {
        Comparison c = Comparison.of("init").quiet();
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

    @Test
    void seedsTrainEachSettingOncePerSeedReproduciblyAndSummariseIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Comparison c = Comparison.of("depth").progress(new PrintStream(out, true, StandardCharsets.UTF_8)).seeds(1, 2, 3)
                .validation(validation());
        List<Comparison.Run> runs = c.train("L=1", ComparisonTest::oneLayer, TrainingFixtures.trainer(2, System.out), training());
        assertEquals(List.of(1L, 2L, 3L), runs.stream().map(Comparison.Run::seed).toList());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(3, printed.lines().count(), "one line per seed, the trainer silenced: " + printed);
        assertTrue(printed.startsWith("depth: L=1, seed 1: validation perplexity "), printed);
        Spread v = c.finalValidation("L=1");
        assertEquals(3, v.n());
        assertTrue(v.sd() > 0, "different seeds start from different weights");
        for (int i = 0; i < 3; i++) {
            assertEquals(runs.get(i).result().last().validationPerplexity(), v.values()[i], 0);
            TrainingResult alone = TrainingFixtures.trainer(2, null).fit(oneLayer(i + 1), training(), validation());
            assertArrayEquals(alone.validationLosses(), runs.get(i).result().validationLosses(), 0, "seed " + (i + 1));
        }
        // the same seed again gives the same numbers
        Comparison again = Comparison.of("again").quiet().seeds(2).validation(validation());
        again.train("L=1", ComparisonTest::oneLayer, TrainingFixtures.trainer(2, null), training());
        assertEquals(v.values()[1], again.finalValidation("L=1").mean(), 0);

        String[] lines = c.table().split("\n");
        assertTrue(lines[0].contains("seeds") && lines[0].contains("mean ± sd") && lines[0].contains("val min–max"), lines[0]);
        assertTrue(lines[1].contains(v.meanSd()), lines[1]);
        assertTrue(lines[1].contains(String.format(java.util.Locale.ROOT, "%.3f–%.3f", v.min(), v.max())), lines[1]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.run("L=1"));
        assertTrue(e.getMessage().contains("runs(name)"), e.getMessage());
    }

    @Test
    void aSeededChartDrawsTheMeanWithABandThatStopsWhereASeedBlewUp() {
        Comparison c = Comparison.of("clipping").quiet();
        c.add("a", 10, history(10, 10, 4, 4, 3, 3));
        // a setting with two seeds, recorded by hand through a seeded comparison's own map is not possible,
        // so train a second comparison with seeds and check its chart
        Comparison seeded = Comparison.of("seeded").quiet().seeds(1, 2);
        seeded.validation(validation()).train("L=1", ComparisonTest::oneLayer, TrainingFixtures.trainer(3, null), training());
        LineChart chart = seeded.chart("t", "perplexity", EpochResult::validationPerplexity);
        assertEquals(List.of("L=1"), chart.seriesNames(), "the band is not a series of its own");
        assertEquals(3, chart.size("L=1"));
        double[] mean = new double[3];
        for (Comparison.Run r : seeded.runs("L=1")) {
            for (int e = 0; e < 3; e++) {
                mean[e] += r.result().epochs().get(e).validationPerplexity() / 2;
            }
        }
        assertEquals(mean[2], chart.xchart().getSeriesMap().get("L=1").getYData()[2], 1e-9);
        assertTrue(chart.xchart().getSeriesMap().containsKey("L=1 (band)"));
        assertEquals(3, c.chart("t", "p", EpochResult::perplexity).size("a"));
        c.add("b", 10, history(9, 9, 4, 4, 2, 2));
        assertEquals(List.of("b"), c.chart("only b", "p", EpochResult::perplexity, "b").seriesNames());
        assertEquals(480, c.chartSize(480, 360).chart("small", "p", EpochResult::perplexity).width());
        assertThrows(IllegalArgumentException.class, () -> c.chartSize(10, 10));
        LineChart both = new LineChart("b", "epoch", "p");
        seeded.addCurve(both, "training", "L=1", EpochResult::perplexity);
        seeded.addCurve(both, "validation", "L=1", EpochResult::validationPerplexity);
        assertEquals(List.of("training", "validation"), both.seriesNames());
        Comparison later = Comparison.of("later").quiet();
        later.include("short text", seeded.runs("L=1"));
        assertEquals(seeded.finalValidation("L=1"), later.finalValidation("short text"));
        assertEquals("short text", later.runs("short text").get(1).name());
        assertThrows(IllegalArgumentException.class, () -> c.chart("t", "p", EpochResult::perplexity, "c"));
    }

    @Test
    void seedsMustBeDistinctAndOptionsNotNull() {
        Comparison c = Comparison.of("x").quiet();
        assertEquals("Give one or more distinct seeds, got [1, 1]",
                assertThrows(IllegalArgumentException.class, () -> c.seeds(1, 1)).getMessage());
        assertEquals("Give one or more distinct seeds, got []",
                assertThrows(IllegalArgumentException.class, () -> c.seeds(new long[0])).getMessage());
        assertThrows(NullPointerException.class, () -> c.validation(null));
    }

    private static List<DataSet> waves() {
        List<DataSet> waves = new java.util.ArrayList<>();
        for (int b = 0; b < 8; b++) {
            float[] v = new float[4 * 21];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(0.3 * (b + i));
            }
            INDArray x = Nd4j.create(v, new long[]{4, 1, 21}, 'c');
            waves.add(new DataSet(x.get(all(), all(), interval(0, 20)).dup(), x.get(all(), all(), interval(1, 21)).dup()));
        }
        return waves;
    }

    private static MultiLayerNetwork regression(long seed) {
        return new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(2).hiddenUnits(8).inputSize(1).outputSize(1)
                .output(OutputMode.IDENTITY_MSE).seed(seed).network();
    }

    /**
     * A regression at learning rate 1e9 without clipping overflows within a few steps (see DivergenceTest): the run
     * is kept with the epoch it diverged at, infinite final numbers and the same line, with or without seeds.
     */
    @Test
    void aRunThatDivergesIsRecordedTheSameWithOrWithoutSeeds() {
        Trainer exploding = Trainer.builder().epochs(5).learningRate(1e9).noClipping().progress(null).build();
        int expectedEpoch;
        try {
            exploding.fit(regression(1), new ListDataSetIterator<>(waves(), 1));
            throw new AssertionError("the trainer alone must stop on divergence");
        } catch (TrainingDivergedException e) {
            expectedEpoch = e.epoch();
        }
        ByteArrayOutputStream seededOut = new ByteArrayOutputStream();
        Comparison seeded = Comparison.of("clipping").progress(new PrintStream(seededOut, true, StandardCharsets.UTF_8)).seeds(1, 2);
        seeded.train("lr 1e9, not clipped", ComparisonTest::regression, exploding, new ListDataSetIterator<>(waves(), 1));
        ByteArrayOutputStream singleOut = new ByteArrayOutputStream();
        Comparison single = Comparison.of("clipping").progress(new PrintStream(singleOut, true, StandardCharsets.UTF_8));
        single.train("lr 1e9, not clipped", seed -> regression(1), exploding, new ListDataSetIterator<>(waves(), 1));

        Comparison.Run fromSeeds = seeded.runs("lr 1e9, not clipped").get(0);
        Comparison.Run alone = single.run("lr 1e9, not clipped");
        for (Comparison.Run run : List.of(fromSeeds, alone)) {
            assertTrue(run.diverged());
            assertEquals(expectedEpoch, run.result().last().epoch());
            assertEquals(Double.POSITIVE_INFINITY, run.result().last().loss());
        }
        assertArrayEquals(fromSeeds.result().losses(), alone.result().losses(), 0);
        assertTrue(Double.isInfinite(seeded.finalTraining("lr 1e9, not clipped").min()));
        String line = "diverged at epoch " + expectedEpoch + ", ";
        assertTrue(seededOut.toString(StandardCharsets.UTF_8).startsWith("clipping: lr 1e9, not clipped, seed 1: " + line),
                seededOut.toString(StandardCharsets.UTF_8));
        assertTrue(singleOut.toString(StandardCharsets.UTF_8).startsWith("== clipping: lr 1e9, not clipped\n"
                + "clipping: lr 1e9, not clipped: " + line), singleOut.toString(StandardCharsets.UTF_8));
        assertTrue(single.table().contains("inf"), single.table());
        String row = seeded.table().split("\n")[1];
        assertTrue(row.matches("lr 1e9, not clipped +[0-9,]+ +" + expectedEpoch + " +2 +diverged +diverged +- +-"), row);
    }
}
