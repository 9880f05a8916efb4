package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The newer d2l edition's data split (notebook 5, "The newer edition's data: windows"): every position of the corpus starts a window
 * of numSteps + 1 tokens (inputs plus the shifted label); windows starting at 0..numTrain-1 form the
 * training set, the next numVal windows the validation set. Training windows are shuffled every
 * epoch, validation windows come in order; the last minibatch of an epoch may be smaller. Windows
 * overlap and batches are unrelated, so the hidden state starts from zero in every batch.
 */
public final class WindowSampling extends SequenceIterator {
    private static final long serialVersionUID = 1L;
    private final int firstStart;
    private final int windows;
    private final boolean shuffle;

    /** The training and validation iterators over one corpus. */
    public record Split(WindowSampling train, WindowSampling validation) {
    }

    private WindowSampling(int[] tokens, int vocabSize, int batchSize, int numSteps, int firstStart, int windows,
                           boolean shuffle, long seed, DataType dataType) {
        super(tokens, vocabSize, batchSize, numSteps, seed, dataType);
        this.firstStart = firstStart;
        this.windows = windows;
        this.shuffle = shuffle;
    }

    /**
     * @param numTrain number of training windows (starts 0..numTrain-1), at least 1
     * @param numVal   number of validation windows following them, at least 1
     * @param seed     seeds the shuffling of the training windows
     * @throws IllegalArgumentException if the corpus has fewer than numTrain + numVal windows
     */
    public static Split split(int[] tokens, int vocabSize, int batchSize, int numSteps, int numTrain, int numVal,
                              long seed, DataType dataType) {
        Objects.requireNonNull(tokens, "tokens must not be null");
        if (numTrain <= 0) {
            throw new IllegalArgumentException("numTrain must be positive, got " + numTrain);
        }
        if (numVal <= 0) {
            throw new IllegalArgumentException("numVal must be positive, got " + numVal);
        }
        if (numSteps > 0) {
            long available = Math.max(0L, (long) tokens.length - numSteps);
            if ((long) numTrain + numVal > available) {
                throw new IllegalArgumentException("A corpus of " + tokens.length + " tokens has " + available
                        + " windows of numSteps + 1 = " + ((long) numSteps + 1) + " tokens, fewer than numTrain + numVal = "
                        + ((long) numTrain + numVal) + ": use fewer windows, fewer steps or more text");
            }
        }
        WindowSampling train = new WindowSampling(tokens, vocabSize, batchSize, numSteps, 0, numTrain, true, seed, dataType);
        WindowSampling validation = new WindowSampling(tokens, vocabSize, batchSize, numSteps, numTrain, numVal, false,
                seed, dataType);
        return new Split(train, validation);
    }

    /** As {@link #split(int[], int, int, int, int, int, long, DataType)} with float one-hot arrays. */
    public static Split split(Corpus corpus, int batchSize, int numSteps, int numTrain, int numVal, long seed) {
        Objects.requireNonNull(corpus, "corpus must not be null");
        return split(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, numTrain, numVal, seed, DataType.FLOAT);
    }

    @Override
    protected List<int[]> planEpoch(Random random) {
        List<Integer> starts = new ArrayList<>(windows);
        for (int i = 0; i < windows; i++) {
            starts.add(firstStart + i);
        }
        if (shuffle) {
            Collections.shuffle(starts, random);
        }
        List<int[]> plan = new ArrayList<>((int) ((windows + (long) batchSize - 1) / batchSize));
        for (int from = 0; from < windows; from += batchSize) {
            int[] rows = new int[Math.min(batchSize, windows - from)];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = starts.get(from + r);
            }
            plan.add(rows);
        }
        return plan;
    }

    /** Start of the first window of this set (0 for training, numTrain for validation). */
    public int firstStart() {
        return firstStart;
    }

    /** Number of windows in this set. */
    public int windowCount() {
        return windows;
    }

    /** True for the training set, whose order changes every epoch. */
    public boolean shuffles() {
        return shuffle;
    }

    @Override
    public boolean carriesStateAcrossBatches() {
        return false;
    }
}
