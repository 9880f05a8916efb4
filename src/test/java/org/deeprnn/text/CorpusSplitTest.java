package org.deeprnn.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CorpusSplitTest {
    // "abcdefghij" twice: 20 characters
    private static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens("abcdefghijabcdefghij"), 0);

    @Test
    void partsFollowEachOtherByPositionAndShareTheVocabulary() {
        CorpusSplit split = CorpusSplit.byPosition(CORPUS, 0.7, 0.15);
        // 20 * 0.7 = 14, 20 * 0.85 = 17
        assertEquals("abcdefghijabcd", split.training().text(0, split.training().length()));
        assertEquals("efg", split.tuning().text(0, 3));
        assertEquals("hij", split.test().text(0, 3));
        assertSame(CORPUS.vocab(), split.test().vocab());
        assertEquals("training 0–14, tuning 14–17, test 17–20 (characters)", split.toString());
        int[] joined = new int[20];
        System.arraycopy(split.training().tokens(), 0, joined, 0, 14);
        System.arraycopy(split.tuning().tokens(), 0, joined, 14, 3);
        System.arraycopy(split.test().tokens(), 0, joined, 17, 3);
        assertArrayEquals(CORPUS.tokens(), joined);
    }

    @Test
    void sharesThatLeaveNoTestPartOrAnEmptyPartAreRefused() {
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> CorpusSplit.byPosition(CORPUS, 0.8, 0.2));
        assertEquals("The training share (0.8) and the tuning share (0.2) must each lie between 0 and 1 and leave a test part,"
                + " so their sum must be below 1", sum.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> CorpusSplit.byPosition(CORPUS, 0.9, 0.04));
        assertEquals("A corpus of 20 characters is too short to split into 0.9, 0.04 and the rest: a part would be empty",
                empty.getMessage());
    }

    @Test
    void characterFrequenciesGiveTheUnigramPerplexity() {
        // training "aab": p(a) = 2/3, p(b) = 1/3; text "ab": exp(-(ln 2/3 + ln 1/3) / 2) = sqrt(4.5)
        Corpus corpus = Corpus.fromTokens(TextPreprocessor.charTokens("aababc"), 0);
        CharacterFrequencies f = CharacterFrequencies.of(corpus.slice(0, 3));
        assertEquals(2.0 / 3, f.probability(corpus.tokenAt(0)), 1e-12);
        assertEquals(Math.sqrt(4.5), f.perplexity(corpus.slice(3, 5)), 1e-12);
        IllegalArgumentException unseen = assertThrows(IllegalArgumentException.class, () -> f.perplexity(corpus.slice(3, 6)));
        assertEquals("Character 'c' never occurs in the training text, so its frequency is 0 and the perplexity infinite;"
                + " use a longer training part", unseen.getMessage());
        // a uniform text of k characters has perplexity k on itself
        assertEquals(10, CharacterFrequencies.of(CORPUS).perplexity(CORPUS), 1e-9);
    }
}
