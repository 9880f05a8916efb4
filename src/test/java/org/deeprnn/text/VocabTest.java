package org.deeprnn.text;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabTest {
    // counts: a 3, b 2, c 2, space 2, d 1
    private static final List<String> TOKENS = TextPreprocessor.characters("abc abc ad");

    @Test
    void unkFirstThenTokensByDescendingFrequencyTiesInStringOrder() {
        Vocab vocab = new Vocab(TOKENS);
        assertEquals(List.of("<unk>", "a", " ", "b", "c", "d"), vocab.tokens());
        assertEquals(6, vocab.size());
        assertEquals(0, vocab.indexOf(Vocab.UNK));
        assertEquals(0, vocab.unkIndex());
        assertEquals(2, vocab.indexOf(" "));
        assertEquals("c", vocab.tokenAt(4));
    }

    @Test
    void frequenciesCountEveryTokenOfTheSource() {
        Vocab vocab = new Vocab(TOKENS, 3, List.of());
        assertEquals(3, vocab.frequency("a"));
        assertEquals(2, vocab.frequency("b"));
        assertEquals(1, vocab.frequency("d"));
        assertEquals(0, vocab.frequency("z"));
        assertEquals(List.of(Map.entry("a", 3), Map.entry(" ", 2), Map.entry("b", 2), Map.entry("c", 2), Map.entry("d", 1)),
                vocab.tokenFrequencies());
    }

    @Test
    void minFreqLeavesRareTokensToUnk() {
        Vocab vocab = new Vocab(TOKENS, 2, List.of());
        assertEquals(List.of("<unk>", "a", " ", "b", "c"), vocab.tokens());
        assertFalse(vocab.contains("d"));
        assertEquals(0, vocab.indexOf("d"));
        assertEquals(List.of("<unk>", "a"), new Vocab(TOKENS, 3, List.of()).tokens());
        assertEquals(new Vocab(TOKENS, 0, List.of()).tokens(), new Vocab(TOKENS, 1, List.of()).tokens());
    }

    @Test
    void reservedTokensFollowUnkAndAreNotRepeated() {
        Vocab vocab = new Vocab(TOKENS, 0, List.of("<eos>", "b"));
        assertEquals(List.of("<unk>", "<eos>", "b", "a", " ", "c", "d"), vocab.tokens());
        assertEquals(1, vocab.indexOf("<eos>"));
        assertEquals(0, vocab.frequency("<eos>"));
        assertTrue(vocab.contains("<eos>"));
    }

    @Test
    void encodeDecodeRoundTripWithUnknownTokensMappedToUnk() {
        Vocab vocab = new Vocab(TOKENS);
        int[] encoded = vocab.encode(TextPreprocessor.characters("bad cab"));
        assertArrayEquals(new int[]{3, 1, 5, 2, 4, 1, 3}, encoded);
        assertEquals("bad cab", vocab.decodeToString(encoded));
        assertEquals(List.of("b", "a", "d"), vocab.decode(new int[]{3, 1, 5}));

        int[] withUnknown = vocab.encode(List.of("a", "x", "b"));
        assertArrayEquals(new int[]{1, 0, 3}, withUnknown);
        assertEquals("a<unk>b", vocab.decodeToString(withUnknown));
    }

    @Test
    void emptyTokenListGivesOnlyUnk() {
        Vocab vocab = new Vocab(List.of());
        assertEquals(List.of("<unk>"), vocab.tokens());
        assertEquals(0, vocab.indexOf("a"));
    }

    @Test
    void invalidArgumentsAreRefusedWithClearMessages() {
        Vocab vocab = new Vocab(TOKENS);
        IndexOutOfBoundsException range = assertThrows(IndexOutOfBoundsException.class, () -> vocab.tokenAt(6));
        assertTrue(range.getMessage().contains("6") && range.getMessage().contains("0..5"), range.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> vocab.tokenAt(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> vocab.decode(new int[]{1, 99}));

        IllegalArgumentException minFreq = assertThrows(IllegalArgumentException.class,
                () -> new Vocab(TOKENS, -1, List.of()));
        assertTrue(minFreq.getMessage().contains("minFreq") && minFreq.getMessage().contains("-1"), minFreq.getMessage());

        assertThrows(NullPointerException.class, () -> new Vocab(null));
        assertThrows(NullPointerException.class, () -> vocab.indexOf(null));
        assertThrows(NullPointerException.class, () -> vocab.encode(null));
        IllegalArgumentException nullToken = assertThrows(IllegalArgumentException.class,
                () -> new Vocab(java.util.Arrays.asList("a", null)));
        assertTrue(nullToken.getMessage().contains("position 1"), nullToken.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Vocab(TOKENS, 0, List.of("<unk>")));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new Vocab(TOKENS, 0, List.of("<pad>", "<pad>")));
        assertTrue(twice.getMessage().contains("<pad>"), twice.getMessage());
    }
}
