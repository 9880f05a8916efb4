package org.deeprnn.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.TextPreprocessor;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.PrintStream;

/** A tiny repetitive corpus, a small two-layer network and a trainer for it, shared by the training tests. */
public final class TrainingFixtures {
    public static final String PHRASE = "the time machine by h g wells ";
    public static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens(PHRASE.repeat(10)), 0);

    private TrainingFixtures() {
    }

    /** Two layers of 32 units of {@code cell} over the corpus's vocabulary, seed 123. */
    public static MultiLayerNetwork network(CellType cell, DataType type) {
        return new DeepRnnBuilder().cell(cell).layers(2).hiddenUnits(32)
                .vocabSize(CORPUS.vocab().size()).seed(123).dataType(type).network();
    }

    /** Learning rate 1, clipping to norm 1. */
    public static Trainer trainer(int epochs, PrintStream out) {
        return Trainer.builder().epochs(epochs).learningRate(1.0).clipGlobalNorm(1.0).progress(out).build();
    }
}
