package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * d2l's sequential partitioning (notebook 3, "The data"): every epoch skips a random number of tokens (0 to
 * numSteps) at the start, splits the rest into batchSize equally long rows, and walks along all rows
 * numSteps tokens at a time. Row r of one minibatch continues exactly where row r of the previous
 * one stopped, so the hidden state can be carried from batch to batch.
 */
public final class SequentialPartitioning extends SequenceIterator {
    private static final long serialVersionUID = 1L;
    private final boolean randomOffset;
    private int offset;
    private int rowLength;

    public SequentialPartitioning(int[] tokens, int vocabSize, int batchSize, int numSteps, long seed, DataType dataType) {
        this(tokens, vocabSize, batchSize, numSteps, seed, dataType, true);
    }

    private SequentialPartitioning(int[] tokens, int vocabSize, int batchSize, int numSteps, long seed, DataType dataType,
                                   boolean randomOffset) {
        super(tokens, vocabSize, batchSize, numSteps, seed, dataType);
        this.randomOffset = randomOffset;
        long needed = minimumLength(batchSize, numSteps);
        if (tokens.length < needed) {
            throw new IllegalArgumentException("Sequential partitioning into " + batchSize + " rows of " + numSteps
                    + " steps needs at least " + needed + " tokens ((batchSize + 1) * numSteps + 1) so that every row "
                    + "holds one batch after any random offset of up to " + numSteps + " tokens, labels included; the "
                    + "corpus has " + tokens.length + ": use a smaller batch, fewer steps or more text");
        }
    }

    public SequentialPartitioning(int[] tokens, int vocabSize, int batchSize, int numSteps, long seed) {
        this(tokens, vocabSize, batchSize, numSteps, seed, DataType.FLOAT);
    }

    public SequentialPartitioning(Corpus corpus, int batchSize, int numSteps, long seed) {
        this(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, seed, DataType.FLOAT);
    }

    /**
     * The same partitioning without the random offset: every epoch serves exactly the same
     * minibatches, starting at token 0. Meant for validation text (notebook 6), so that every
     * epoch and every model is measured on identical batches.
     */
    public static SequentialPartitioning fixed(Corpus corpus, int batchSize, int numSteps) {
        return new SequentialPartitioning(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, 0, DataType.FLOAT, false);
    }

    /** Shortest corpus that yields one minibatch whatever the random offset. */
    public static long minimumLength(int batchSize, int numSteps) {
        return (batchSize + 1L) * numSteps + 1;
    }

    @Override
    protected List<int[]> planEpoch(Random random) {
        offset = randomOffset ? random.nextInt(numSteps + 1) : 0;
        int usable = ((corpus.length - offset - 1) / batchSize) * batchSize;
        rowLength = usable / batchSize;
        int batches = rowLength / numSteps;
        List<int[]> plan = new ArrayList<>(batches);
        for (int k = 0; k < batches; k++) {
            int[] rows = new int[batchSize];
            for (int r = 0; r < batchSize; r++) {
                rows[r] = offset + r * rowLength + k * numSteps;
            }
            plan.add(rows);
        }
        return plan;
    }

    /** Tokens skipped at the start of the current epoch, in [0, numSteps]; always 0 for {@link #fixed}. */
    public int offset() {
        batchesPerEpoch();
        return offset;
    }

    /** Length of each of the batchSize rows in the current epoch (its tail beyond whole batches is unused). */
    public int rowLength() {
        batchesPerEpoch();
        return rowLength;
    }

    @Override
    public boolean carriesStateAcrossBatches() {
        return true;
    }
}
