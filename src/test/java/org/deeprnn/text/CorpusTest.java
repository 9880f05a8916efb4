package org.deeprnn.text;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTest {
    private static final List<String> TOKENS = TextPreprocessor.charTokens("Aab, c!");   // "aab c "

    @Test
    void keepsTheFirstTokensAndBuildsTheVocabularyFromThem() {
        Corpus first3 = Corpus.fromTokens(TOKENS, 3);
        assertEquals(3, first3.length());
        assertEquals(List.of("<unk>", "a", "b"), first3.vocab().tokens());
        assertArrayEquals(new int[]{1, 1, 2}, first3.tokens());
        assertEquals("aab", first3.text(0, 3));

        Corpus all = Corpus.fromTokens(TOKENS, 0);
        assertEquals(6, all.length());
        assertEquals("aab c ", all.text(0, all.length()));
        assertEquals(List.of("<unk>", " ", "a", "b", "c"), all.vocab().tokens());
        assertEquals(6, Corpus.fromTokens(TOKENS, -1).length());
        assertEquals(6, Corpus.fromTokens(TOKENS, 100).length());
    }

    @Test
    void tokensAreCopiedAndCheckedAgainstTheVocabulary() {
        Corpus corpus = Corpus.fromTokens(TOKENS, 0);
        int[] tokens = corpus.tokens();
        tokens[0] = 4;
        assertEquals(2, corpus.tokenAt(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Corpus(new int[]{1, 5}, corpus.vocab()));
        assertTrue(e.getMessage().contains("position 1") && e.getMessage().contains("size 5"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> corpus.tokenAt(6));
        assertThrows(IndexOutOfBoundsException.class, () -> corpus.text(2, 7));
    }

    @Test
    void minibatchesDecodeBackToTheirText() {
        Corpus corpus = Corpus.fromTokens(TextPreprocessor.charTokens(
                "It was a dark and stormy night; the rain fell in torrents, except at occasional intervals."), 0);
        SequentialPartitioning it = new SequentialPartitioning(corpus, 2, 6, 4);
        int[] starts = it.startsOfBatch(0);
        DataSet batch = it.next();
        List<String> features = corpus.decodeBatch(batch.getFeatures());
        List<String> labels = corpus.decodeBatch(batch.getLabels());
        for (int r = 0; r < starts.length; r++) {
            assertEquals(corpus.text(starts[r], starts[r] + 6), features.get(r));
            assertEquals(corpus.text(starts[r] + 1, starts[r] + 7), labels.get(r));
        }
        assertThrows(IllegalArgumentException.class, () -> corpus.decodeBatch(batch.getFeatures().get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all())));
    }

    @Test
    void sliceKeepsTheVocabularyOfTheWholeCorpus() {
        Corpus all = Corpus.fromTokens(TOKENS, 0);
        Corpus tail = all.slice(3, 6);
        assertEquals(" c ", tail.text(0, 3));
        assertSame(all.vocab(), tail.vocab());
        assertArrayEquals(new int[]{1, 4, 1}, tail.tokens());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> all.slice(4, 7));
        assertTrue(e.getMessage().contains("[4, 7)") && e.getMessage().contains("6 tokens"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> all.slice(2, 2));
    }
}
