package org.deeprnn.text;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text as the sequence of its token indices together with the {@link Vocab} that gives them
 * meaning (notebook 3, "The data"); the samplers cut minibatches from {@link #tokens()}, and the decode
 * helpers turn indices or one-hot minibatches back into readable text.
 */
public final class Corpus {
    private final int[] tokens;
    private final Vocab vocab;

    /** @throws IllegalArgumentException if a token index is outside {@code vocab} */
    public Corpus(int[] tokens, Vocab vocab) {
        Objects.requireNonNull(tokens, "tokens must not be null");
        this.vocab = Objects.requireNonNull(vocab, "vocab must not be null");
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab.size()) {
                throw new IllegalArgumentException("token index " + tokens[i] + " at position " + i
                        + " is outside the vocabulary of size " + vocab.size());
            }
        }
        this.tokens = tokens.clone();
    }

    /**
     * Keeps the first {@code maxTokens} tokens ({@code maxTokens <= 0}: all of them) and builds the
     * vocabulary from the kept tokens only, with every token that occurs in them.
     */
    public static Corpus fromTokens(List<String> tokens, int maxTokens) {
        Objects.requireNonNull(tokens, "tokens must not be null");
        List<String> kept = maxTokens > 0 && maxTokens < tokens.size() ? tokens.subList(0, maxTokens) : tokens;
        Vocab vocab = new Vocab(kept);
        return new Corpus(vocab.encode(kept), vocab);
    }

    /**
     * Positions {@code from} (inclusive) to {@code to} (exclusive) as a corpus of their own with this
     * corpus's vocabulary, so that a training part and a validation part share one index mapping
     * (notebook 6, "More data (exercise 3)").
     */
    public Corpus slice(int from, int to) {
        if (from < 0 || to > tokens.length || from >= to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") is not a non-empty range inside the corpus of "
                    + tokens.length + " tokens");
        }
        return new Corpus(java.util.Arrays.copyOfRange(tokens, from, to), vocab);
    }

    /** A copy of the token indices. */
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    public int tokenAt(int position) {
        if (position < 0 || position >= tokens.length) {
            throw new IndexOutOfBoundsException("position " + position + " is outside the corpus of " + tokens.length + " tokens");
        }
        return tokens[position];
    }

    public Vocab vocab() {
        return vocab;
    }

    /** Text of positions {@code from} (inclusive) to {@code to} (exclusive). */
    public String text(int from, int to) {
        if (from < 0 || to > tokens.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") is not inside the corpus of "
                    + tokens.length + " tokens");
        }
        StringBuilder s = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            s.append(vocab.tokenAt(tokens[i]));
        }
        return s.toString();
    }

    /** Token indices as text (tokens joined without separator). */
    public String decode(int[] indices) {
        return vocab.decodeToString(indices);
    }

    /**
     * One string per row of a one-hot minibatch [batch, vocab, steps] (features or labels), each step
     * read as the token with the largest entry.
     */
    public List<String> decodeBatch(INDArray oneHot) {
        Objects.requireNonNull(oneHot, "minibatch must not be null");
        if (oneHot.rank() != 3 || oneHot.size(1) != vocab.size()) {
            throw new IllegalArgumentException("expected a one-hot minibatch of shape [batch, " + vocab.size()
                    + ", steps], got " + java.util.Arrays.toString(oneHot.shape()));
        }
        INDArray best = oneHot.argMax(1);
        int rows = (int) oneHot.size(0);
        int steps = (int) oneHot.size(2);
        List<String> texts = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            StringBuilder s = new StringBuilder(steps);
            for (int t = 0; t < steps; t++) {
                s.append(vocab.tokenAt(best.getInt(r, t)));
            }
            texts.add(s.toString());
        }
        return texts;
    }

    @Override
    public String toString() {
        return "Corpus(" + tokens.length + " tokens, vocabulary of " + vocab.size() + ")";
    }
}
