package org.deeprnn.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The newer d2l edition's cleaning of raw text, and splitting into character tokens (section
 * "Data"). Every run of characters other than the 26 Latin letters becomes a single space and the
 * result is lower-cased; nothing is trimmed, so a line break counts like any other separator and a
 * wrapped and an unwrapped copy of the same book give the same tokens.
 */
public final class TextPreprocessor {
    private static final Pattern NON_LETTERS = Pattern.compile("[^A-Za-z]+");

    private TextPreprocessor() {
    }

    /** Replaces every run of non-letters by one space and lower-cases the text. */
    public static String normalize(String raw) {
        Objects.requireNonNull(raw, "text to normalize is null");
        return NON_LETTERS.matcher(raw).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** One token per character of {@code text}, taken as it is (normalize first if needed). */
    public static List<String> characters(String text) {
        Objects.requireNonNull(text, "text to split is null");
        List<String> tokens = new ArrayList<>(text.length());
        text.codePoints().forEach(cp -> tokens.add(new String(Character.toChars(cp))));
        return tokens;
    }

    /** {@link #normalize} followed by {@link #characters}: the character tokens d2l trains on. */
    public static List<String> charTokens(String raw) {
        return characters(normalize(raw));
    }
}
