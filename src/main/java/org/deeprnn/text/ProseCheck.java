package org.deeprnn.text;

import org.deeprnn.io.DataLoadException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses a file that is text but not prose before it becomes a character corpus: d2l's preprocessing keeps
 * letters only, so an HTML error page from a proxy would train on markup, and a file of digits would shrink to
 * a few spaces and fail much later with "numSteps needs more tokens", naming no file.
 */
final class ProseCheck {
    private static final Pattern MARKUP = Pattern.compile("(?is)\\A\\s*(<!doctype\\s+html|<html|<\\?xml|<head|<body).*");

    private ProseCheck() {
    }

    /** @throws DataLoadException naming {@code file} and what a corpus must look like */
    static void require(String text, Path file) {
        String what = " is not usable as a corpus: a corpus must be plain prose, mostly letters (d2l's preprocessing keeps "
                + "only letters and turns everything else into spaces)";
        if (MARKUP.matcher(text).matches()) {
            String first = text.strip().lines().findFirst().orElse("");
            throw new DataLoadException(file.toAbsolutePath() + what + ", but this file is an HTML or XML page (starting with \""
                    + first.substring(0, Math.min(40, first.length())) + "\"), perhaps an error page saved instead of the "
                    + "book: replace it with the real text file");
        }
        long letters = text.chars().filter(Character::isLetter).count();
        long visible = text.chars().filter(c -> !Character.isWhitespace(c)).count();
        if (letters == 0 || 2 * letters < visible) {
            throw new DataLoadException(String.format(Locale.ROOT, "%s%s, but only %,d of its %,d non-blank characters are "
                    + "letters: replace it with the real text file", file.toAbsolutePath(), what, letters, visible));
        }
    }
}
