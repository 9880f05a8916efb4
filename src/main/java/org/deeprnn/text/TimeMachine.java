package org.deeprnn.text;

import org.deeprnn.io.DataDownloader;
import org.deeprnn.io.TextFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * H. G. Wells' <i>The Time Machine</i>, the book d2l trains its character-level language models on
 * (notebook 3, "The data"): download (or offline mirror), d2l's preprocessing, character tokens and
 * vocabulary. On this text the vocabulary has 28 entries: 26 letters, the space and {@value Vocab#UNK}.
 */
public final class TimeMachine {
    public static final URI URL = URI.create("http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt");
    /** SHA-1 of the file d2l publishes at {@link #URL}. */
    public static final String SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a";
    public static final String FILE_NAME = "timemachine.txt";
    /** The older d2l edition trains on this many tokens from the start of the book. */
    public static final int OLDER_EDITION_TOKENS = 10_000;

    private TimeMachine() {
    }

    /** The book's downloader with the data folder and mirror taken from the environment. */
    public static DataDownloader downloader() {
        return DataDownloader.fromEnvironment(URL, SHA1, FILE_NAME);
    }

    /**
     * The raw text of the book, as in the file.
     *
     * @throws org.deeprnn.io.DataLoadException naming the file when it is not text, or is text but not prose
     *         (an HTML page, or fewer letters than other visible characters)
     */
    public static String rawText(DataDownloader source) {
        Objects.requireNonNull(source, "source must not be null");
        Path file = source.fetch();
        String text = TextFiles.read(file);
        ProseCheck.require(text, file);
        return text;
    }

    /** The book's character tokens after d2l's preprocessing. */
    public static List<String> tokens(DataDownloader source) {
        return TextPreprocessor.charTokens(rawText(source));
    }

    /**
     * The book as a corpus of character indices.
     *
     * @param maxTokens keep only this many tokens from the start ({@link #OLDER_EDITION_TOKENS} in the
     *                  older d2l edition); 0 or less keeps the whole book
     */
    public static Corpus corpus(int maxTokens) {
        return corpus(maxTokens, downloader());
    }

    /** As {@link #corpus(int)}, with the file fetched by {@code source}. */
    public static Corpus corpus(int maxTokens, DataDownloader source) {
        return Corpus.fromTokens(tokens(source), maxTokens);
    }
}
