package org.deeprnn.text;

import org.deeprnn.io.DataDownloader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeMachineTest {
    @TempDir
    Path tmp;

    /** The shared mirror (D2L_DATA_MIRROR, else ../shared/data) if it holds the book, else the normal loading. */
    private DataDownloader bookSource() {
        String env = System.getenv(DataDownloader.MIRROR_ENV);
        Path mirror = env != null && !env.isBlank() ? Path.of(env) : Path.of("../shared/data");
        if (Files.isRegularFile(mirror.resolve(TimeMachine.FILE_NAME))) {
            return new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"),
                    Optional.of(mirror));
        }
        return TimeMachine.downloader();
    }

    private DataDownloader mirrorWith(String text) throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.writeString(mirror.resolve(TimeMachine.FILE_NAME), text);
        return new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"),
                Optional.of(mirror));
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theBookHas28TokenTypesAndOneTokenPerLetterOrSeparatorRun() throws Exception {
        DataDownloader source = bookSource();
        String raw = Files.readString(source.fetch());
        int letters = count(Pattern.compile("[A-Za-z]"), raw);
        int separators = count(Pattern.compile("[^A-Za-z]+"), raw);

        Corpus corpus = TimeMachine.corpus(0, source);
        assertEquals(letters + separators, corpus.length());
        assertEquals(separators, corpus.vocab().frequency(" "));
        assertEquals(28, corpus.vocab().size());
        Set<String> expected = new HashSet<>(Set.of(Vocab.UNK, " "));
        for (char c = 'a'; c <= 'z'; c++) {
            expected.add(String.valueOf(c));
        }
        assertEquals(expected, new HashSet<>(corpus.vocab().tokens()));
        assertEquals(" ", corpus.vocab().tokenAt(1), "the space is the most frequent character");
        assertTrue(corpus.text(0, 40).startsWith("the time machine by h g wells "), corpus.text(0, 40));

        Corpus older = TimeMachine.corpus(TimeMachine.OLDER_EDITION_TOKENS, source);
        assertEquals(10_000, older.length());
        assertEquals(28, older.vocab().size());
        assertEquals(corpus.text(0, 10_000), older.text(0, 10_000));
    }

    @Test
    void smallMirrorGivesTheExpectedTokens() throws Exception {
        Corpus corpus = TimeMachine.corpus(0, mirrorWith("Hello, World!\n\nBye 2024\n"));
        assertEquals("hello world bye ", corpus.text(0, corpus.length()));
        assertEquals(16, corpus.length());
        assertEquals(3, corpus.vocab().frequency("l"));
        assertEquals("l", corpus.vocab().tokenAt(2), "space (3) first, then l (3) in string order");
    }

    @Test
    void lineBreaksAndTheFinalNewlineCountLikeAnySeparator() throws Exception {
        assertEquals("ab cd ", TimeMachine.rawText(mirrorWith("ab\r\ncd\r\n")).replaceAll("[^A-Za-z]+", " "));
        assertEquals("ab\ncd", TimeMachine.rawText(mirrorWith("ab\ncd")));
        assertEquals("ab\n\ncd\n", TimeMachine.rawText(mirrorWith("ab\n\ncd\n")));
        assertEquals(6, TimeMachine.corpus(0, mirrorWith("ab\ncd\n")).length());
    }
}
