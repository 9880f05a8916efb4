package org.deeprnn.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Sizes near Integer.MAX_VALUE are refused with the true figures, never with numbers that wrapped around. */
class OverflowTest {
    private static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens("the time machine ".repeat(20)), 0);
    private static final int MAX = Integer.MAX_VALUE;

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void hugeNumStepsNamesTheTokensItNeeds() {
        String expected = "numSteps = 2147483647 needs at least 2147483648 tokens (features plus the shifted label), but the "
                + "corpus has only " + CORPUS.length() + ": use fewer steps or more text";
        assertEquals(expected, message(() -> new SequentialPartitioning(CORPUS, 2, MAX, 1)));
        assertEquals(expected, message(() -> new RandomSampling(CORPUS, 2, MAX, 1)));
        assertTrue(message(() -> WindowSampling.split(CORPUS, 2, MAX, 10, 10, 1))
                .contains("windows of numSteps + 1 = 2147483648 tokens"));
    }

    @Test
    void hugeBatchSizeNamesTheTokensItNeeds() {
        assertTrue(message(() -> new SequentialPartitioning(CORPUS, MAX, 5, 1)).contains("needs at least 10737418241 tokens"));
        assertTrue(message(() -> new RandomSampling(CORPUS, MAX, 5, 1)).contains("needs at least 10737418240 tokens"));
        assertEquals(10_737_418_240L, RandomSampling.minimumLength(MAX, 5));
        WindowSampling.Split split = WindowSampling.split(CORPUS, MAX, 5, 20, 10, 1);
        assertEquals(20, split.train().next().getFeatures().size(0), "one batch of all 20 windows");
    }
}
