package org.deeprnn.train;

import org.deeprnn.io.ProjectFolders;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.Minibatches;
import org.deeprnn.text.SequentialPartitioning;
import org.deeprnn.text.TimeMachine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A short real run of notebook 3's deep LSTM (2 x LSTM(256), vocabulary 28, batch 32 x 35, d2l's
 * settings) that writes a stats file for DL4J's training UI, with the cells a notebook would use:
 * {@code tools/training-ui-screenshot.sh} runs it before photographing the UI.
 * <pre>TrainingUiRun [epochs] [stats file]</pre> (default 10 epochs into target/training-ui/deep-lstm.dl4j)
 */
public final class TrainingUiRun {
    private TrainingUiRun() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;

        // cell 1: the stats file, under the project's target/ (not committed); a fresh one for every run
        Path statsFile = args.length > 1 ? Path.of(args[1]) : ProjectFolders.resolve("target/training-ui/deep-lstm.dl4j");
        Files.createDirectories(statsFile.toAbsolutePath().getParent());
        Files.deleteIfExists(statsFile);
        FileStatsStorage stats = new FileStatsStorage(statsFile.toFile());

        // cell 2: notebook 3's model and batches, trained with a StatsListener reporting every iteration
        Corpus corpus = TimeMachine.corpus(TimeMachine.OLDER_EDITION_TOKENS);
        SequentialPartitioning batches = Minibatches.of(corpus).batchSize(32).numSteps(35).seed(42).sequentialPartitioning();
        MultiLayerNetwork deep = DeepRnnBuilder.forVocabulary(corpus.vocab()).cell(CellType.LSTM).layers(2).hiddenUnits(256)
                .seed(42).network();
        TrainingResult run = Trainer.d2l(epochs).dl4jListener(new StatsListener(stats, 1)).build().fit(deep, batches);

        // cell 3: close the file (its database cannot be open twice), then open the UI on it from a terminal
        stats.close();
        System.out.printf("%d iterations, perplexity %.2f; stats in %s%n", deep.getIterationCount(), run.last().perplexity(), statsFile);
        System.out.println("open the UI: bash tools/training-ui.sh " + ProjectFolders.resolve("").relativize(statsFile.toAbsolutePath()));
    }
}
