package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.Objects;

/**
 * Minibatch iterators of a corpus with named settings, so that batch size, number of steps and seed
 * cannot be swapped by accident:
 * {@code Minibatches.of(book).batchSize(32).numSteps(35).seed(42).sequentialPartitioning()}.
 * Defaults: d2l's older edition (batch 32, 35 steps), seed 0, FLOAT one-hot arrays.
 */
public final class Minibatches {
    private final Corpus corpus;
    private int batchSize = 32;
    private int numSteps = 35;
    private long seed;
    private DataType dataType = DataType.FLOAT;

    private Minibatches(Corpus corpus) {
        this.corpus = Objects.requireNonNull(corpus, "corpus must not be null: load the book first");
    }

    public static Minibatches of(Corpus corpus) {
        return new Minibatches(corpus);
    }

    /** Sequences (rows) per minibatch. */
    public Minibatches batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /** Time steps per sequence. */
    public Minibatches numSteps(int numSteps) {
        this.numSteps = numSteps;
        return this;
    }

    /** Seeds the random offset or shuffling: the same seed gives the same batches. */
    public Minibatches seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Data type of the one-hot features and labels (DOUBLE for gradient checks). */
    public Minibatches dataType(DataType dataType) {
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        return this;
    }

    /** d2l's random sampling: every batch starts from a zero state. */
    public RandomSampling randomSampling() {
        return new RandomSampling(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, seed, dataType);
    }

    /** d2l's sequential partitioning: row r of a batch continues row r of the one before, so the state is carried. */
    public SequentialPartitioning sequentialPartitioning() {
        return new SequentialPartitioning(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, seed, dataType);
    }

    /** The newer edition's random windows: {@code numTrain} shuffled training windows, then {@code numVal} validation windows. */
    public WindowSampling.Split windows(int numTrain, int numVal) {
        return WindowSampling.split(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, numTrain, numVal, seed, dataType);
    }
}
