package org.deeprnn.text;

import java.util.Objects;

/**
 * A corpus cut by position into a training, a tuning and a test part, in that order, sharing one vocabulary:
 * the tuning part picks learning rates and stopping epochs, the test part is read once for the verdict, so a
 * setting is never judged on the text that chose it. Contiguous parts (not random windows) keep the parts'
 * text apart; only a window at a boundary can see the last characters of the part before it.
 */
public record CorpusSplit(Corpus training, Corpus tuning, Corpus test) {

    public CorpusSplit {
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(test, "test");
    }

    /**
     * The first {@code trainingShare} of the corpus for training, the next {@code tuningShare} for tuning and the
     * rest for testing; part lengths are rounded down to whole characters, the test part takes what is left.
     *
     * @throws IllegalArgumentException if a share is not in (0, 1), the two leave no test part, or a part would be empty
     */
    public static CorpusSplit byPosition(Corpus corpus, double trainingShare, double tuningShare) {
        Objects.requireNonNull(corpus, "corpus");
        if (!(trainingShare > 0 && trainingShare < 1) || !(tuningShare > 0 && tuningShare < 1)
                || trainingShare + tuningShare >= 1) {
            throw new IllegalArgumentException("The training share (" + trainingShare + ") and the tuning share ("
                    + tuningShare + ") must each lie between 0 and 1 and leave a test part, so their sum must be below 1");
        }
        int n = corpus.length();
        int trainEnd = (int) Math.floor(n * trainingShare);
        int tuneEnd = (int) Math.floor(n * (trainingShare + tuningShare));
        if (trainEnd < 1 || tuneEnd - trainEnd < 1 || n - tuneEnd < 1) {
            throw new IllegalArgumentException("A corpus of " + n + " characters is too short to split into "
                    + trainingShare + ", " + tuningShare + " and the rest: a part would be empty");
        }
        return new CorpusSplit(corpus.slice(0, trainEnd), corpus.slice(trainEnd, tuneEnd), corpus.slice(tuneEnd, n));
    }

    /** "training 0–8000, tuning 8000–9000, test 9000–10000 (characters)". */
    @Override
    public String toString() {
        int a = training.length();
        int b = a + tuning.length();
        int c = b + test.length();
        return "training 0–" + a + ", tuning " + a + "–" + b + ", test " + b + "–" + c + " (characters)";
    }
}
