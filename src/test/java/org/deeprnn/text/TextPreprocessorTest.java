package org.deeprnn.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextPreprocessorTest {

    @Test
    void runsOfNonLettersBecomeOneSpaceAndTextIsLowerCased() {
        assertEquals("the time machine by h g wells ",
                TextPreprocessor.normalize("The Time Machine, by H. G. Wells [1898]\n\n"));
    }

    @Test
    void nothingIsStrippedAtTheEnds() {
        assertEquals(" i ", TextPreprocessor.normalize("\n\nI\n\n"));
        assertEquals(" ", TextPreprocessor.normalize("42 -- 7"));
        assertEquals("", TextPreprocessor.normalize(""));
    }

    @Test
    void wrappedAndUnwrappedTextGiveTheSameResult() {
        String paragraph = "He said: it is\na fact.\n";
        String wrapped = "He said: it\nis a\nfact.\n";
        assertEquals(TextPreprocessor.normalize(paragraph), TextPreprocessor.normalize(wrapped));
        assertEquals("he said it is a fact ", TextPreprocessor.normalize(wrapped));
    }

    @Test
    void lettersOutsideAsciiCountAsSeparators() {
        assertEquals("caf na ve", TextPreprocessor.normalize("Café naïve"));
    }

    @Test
    void charTokensSplitTheNormalizedText() {
        assertEquals(List.of("a", " ", "b", "c", " "), TextPreprocessor.charTokens("A, bc!"));
        assertEquals(List.of("x", "y"), TextPreprocessor.characters("xy"));
    }
}
