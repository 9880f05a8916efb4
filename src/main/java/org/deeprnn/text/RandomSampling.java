package org.deeprnn.text;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * d2l's random sampling (notebook 6, "One data set-up for every experiment"): every epoch skips a random number of tokens (0 to
 * numSteps-1) at the start, cuts the rest into non-overlapping pieces of numSteps tokens, shuffles
 * them and groups them into full minibatches; leftover pieces are dropped. Neighbouring rows and
 * batches are unrelated, so the hidden state must start from zero in every batch.
 */
public final class RandomSampling extends SequenceIterator {
    private static final long serialVersionUID = 1L;
    private int offset;

    public RandomSampling(int[] tokens, int vocabSize, int batchSize, int numSteps, long seed, DataType dataType) {
        super(tokens, vocabSize, batchSize, numSteps, seed, dataType);
        long needed = minimumLength(batchSize, numSteps);
        if (tokens.length < needed) {
            throw new IllegalArgumentException("Random sampling of minibatches of " + batchSize + " x " + numSteps
                    + " steps needs at least " + needed + " tokens ((batchSize + 1) * numSteps) so that one full batch "
                    + "fits after any random offset of up to " + (numSteps - 1) + " tokens, labels included; the corpus has "
                    + tokens.length + ": use a smaller batch, fewer steps or more text");
        }
    }

    public RandomSampling(int[] tokens, int vocabSize, int batchSize, int numSteps, long seed) {
        this(tokens, vocabSize, batchSize, numSteps, seed, DataType.FLOAT);
    }

    public RandomSampling(Corpus corpus, int batchSize, int numSteps, long seed) {
        this(corpus.tokens(), corpus.vocab().size(), batchSize, numSteps, seed, DataType.FLOAT);
    }

    /** Shortest corpus that yields one full minibatch whatever the random offset. */
    public static long minimumLength(int batchSize, int numSteps) {
        return (batchSize + 1L) * numSteps;
    }

    @Override
    protected List<int[]> planEpoch(Random random) {
        offset = random.nextInt(numSteps);
        int pieces = (corpus.length - offset - 1) / numSteps;
        List<Integer> starts = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            starts.add(offset + i * numSteps);
        }
        Collections.shuffle(starts, random);
        int batches = pieces / batchSize;
        List<int[]> plan = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            int[] rows = new int[batchSize];
            for (int r = 0; r < batchSize; r++) {
                rows[r] = starts.get(b * batchSize + r);
            }
            plan.add(rows);
        }
        return plan;
    }

    /** Tokens skipped at the start of the current epoch, in [0, numSteps-1]. */
    public int offset() {
        batchesPerEpoch();
        return offset;
    }

    @Override
    public boolean carriesStateAcrossBatches() {
        return false;
    }
}
