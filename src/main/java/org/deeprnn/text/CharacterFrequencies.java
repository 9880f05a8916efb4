package org.deeprnn.text;

import java.util.Objects;

/**
 * The model that knows only how often each character occurs in the training text, and no context: the plateau
 * a character-level language model sits on before it learns anything about order (notebooks 3, 5 and 6). Its
 * perplexity on a text, exp(-mean log p(c)), is the yardstick "has this model started to learn?".
 */
public final class CharacterFrequencies {
    private final double[] probability;
    private final Vocab vocab;

    private CharacterFrequencies(double[] probability, Vocab vocab) {
        this.probability = probability;
        this.vocab = vocab;
    }

    /** Relative frequencies of every vocabulary entry in {@code training}. */
    public static CharacterFrequencies of(Corpus training) {
        Objects.requireNonNull(training, "training");
        double[] p = new double[training.vocab().size()];
        for (int token : training.tokens()) {
            p[token]++;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= training.length();
        }
        return new CharacterFrequencies(p, training.vocab());
    }

    /** The probability the model gives to vocabulary entry {@code token}. */
    public double probability(int token) {
        return probability[token];
    }

    /**
     * exp of the mean cross-entropy per character of {@code text} under the frequencies.
     *
     * @throws IllegalArgumentException if the text holds a character the training text never had (probability 0)
     */
    public double perplexity(Corpus text) {
        Objects.requireNonNull(text, "text");
        if (text.vocab() != vocab) {
            throw new IllegalArgumentException("The text has another vocabulary than the training text; cut both from one"
                    + " corpus (Corpus.slice or CorpusSplit)");
        }
        double sum = 0;
        for (int token : text.tokens()) {
            if (probability[token] == 0) {
                throw new IllegalArgumentException("Character '" + vocab.tokenAt(token) + "' never occurs in the training text,"
                        + " so its frequency is 0 and the perplexity infinite; use a longer training part");
            }
            sum -= Math.log(probability[token]);
        }
        return Math.exp(sum / text.length());
    }
}
