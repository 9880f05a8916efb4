package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Minibatches of a token corpus for language modelling, as a DL4J {@link DataSetIterator}:
 * features are one-hot [batch, vocab, steps], labels the same tokens shifted by one step.
 * <p>
 * A sampling scheme only decides where each row of each minibatch starts; subclasses plan those
 * start positions once per epoch (on {@link #reset()}), from a seeded random generator so that the
 * same seed gives the same batches.
 */
public abstract class SequenceIterator implements DataSetIterator {
    private static final long serialVersionUID = 1L;
    protected final int[] corpus;
    protected final int vocabSize;
    protected final int batchSize;
    protected final int numSteps;
    private final long seed;
    private Random random;
    private final DataType dataType;
    private List<int[]> plan;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    protected SequenceIterator(int[] corpus, int vocabSize, int batchSize, int numSteps, long seed, DataType dataType) {
        if (corpus == null || corpus.length == 0) {
            throw new IllegalArgumentException("The corpus is empty: load some text before making minibatches");
        }
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (numSteps <= 0) {
            throw new IllegalArgumentException("numSteps must be positive, got " + numSteps);
        }
        if ((long) numSteps + 1 > corpus.length) {
            throw new IllegalArgumentException("numSteps = " + numSteps + " needs at least " + ((long) numSteps + 1)
                    + " tokens (features plus the shifted label), but the corpus has only " + corpus.length
                    + ": use fewer steps or more text");
        }
        this.corpus = corpus;
        this.vocabSize = vocabSize;
        this.batchSize = batchSize;
        this.numSteps = numSteps;
        this.seed = seed;
        this.random = new Random(seed);
        this.dataType = dataType;
    }

    /**
     * Starts over as if new: the next epochs hand out the same batches, in the same order, as this
     * iterator's first epochs did, so several runs (one per seed of a comparison) train on the same data.
     */
    public void rewind() {
        random = new Random(seed);
        plan = null;
        cursor = 0;
    }

    /**
     * Start positions of the rows of every minibatch of one epoch; each start s needs tokens
     * s .. s + numSteps (the label of the last step included).
     */
    protected abstract List<int[]> planEpoch(Random random);

    /**
     * True when row r of batch k+1 continues row r of batch k, so that a trainer should carry
     * the hidden state from one batch to the next (sequential partitioning); false when rows are
     * independent and the state must start from zero in every batch (random sampling).
     */
    public abstract boolean carriesStateAcrossBatches();

    /** Number of minibatches in the epoch that is planned now. */
    public int batchesPerEpoch() {
        ensurePlanned();
        return plan.size();
    }

    /** Start positions of the rows of the given batch of the planned epoch (for tests and illustration). */
    public int[] startsOfBatch(int batch) {
        ensurePlanned();
        return plan.get(batch).clone();
    }

    public int numSteps() {
        return numSteps;
    }

    public int vocabSize() {
        return vocabSize;
    }

    private void ensurePlanned() {
        if (plan == null) {
            plan = planEpoch(random);
            cursor = 0;
            if (plan.isEmpty()) {
                throw new IllegalArgumentException("The corpus of " + corpus.length + " tokens does not fill one minibatch of "
                        + batchSize + " x " + numSteps + " steps: use a smaller batch, fewer steps or more text");
            }
        }
    }

    @Override
    public boolean hasNext() {
        ensurePlanned();
        return cursor < plan.size();
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("Epoch finished: call reset() to start the next one");
        }
        int[] starts = plan.get(cursor++);
        int[] shifted = Arrays.stream(starts).map(s -> s + 1).toArray();
        INDArray features = OneHot.encode(corpus, starts, numSteps, vocabSize, dataType);
        INDArray labels = OneHot.encode(corpus, shifted, numSteps, vocabSize, dataType);
        DataSet ds = new DataSet(features, labels);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("The batch size is fixed by the sampling scheme (" + batchSize + ")");
    }

    /**
     * Plans the next epoch: a new random offset and order, drawn from the iterator's own seeded
     * generator. An epoch that has not handed out a batch yet is kept, so the batches a seed gives
     * do not depend on whether the caller resets before the first epoch.
     */
    @Override
    public void reset() {
        if (plan != null && cursor == 0) {
            return;
        }
        plan = planEpoch(random);
        cursor = 0;
    }

    @Override
    public int inputColumns() {
        return vocabSize;
    }

    @Override
    public int totalOutcomes() {
        return vocabSize;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** Batches are cheap to build and their order matters for state carrying: no prefetch thread. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
