package org.deeprnn.io;

import org.datavec.api.records.reader.impl.LineRecordReader;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.Writable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a corpus file as text through DataVec's {@link LineRecordReader} (notebook 3, "The data"), after
 * making sure it really is text: DataVec would silently turn a binary or wrongly encoded file into
 * replacement characters and train on garbage, so empty, NUL-containing and non-UTF-8 files are
 * refused with a message naming the file.
 */
public final class TextFiles {
    private TextFiles() {
    }

    /**
     * Checks that {@code file} exists and holds non-empty UTF-8 text without NUL bytes.
     *
     * @throws DataLoadException naming the file and what is wrong with it
     */
    public static void requireText(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        if (!Files.exists(file)) {
            throw new DataLoadException("The text file " + file.toAbsolutePath() + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataLoadException(file.toAbsolutePath() + " is not a regular file, expected a text file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
        if (bytes.length == 0) {
            throw new DataLoadException("The text file " + file.toAbsolutePath() + " is empty (0 bytes)");
        }
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw new DataLoadException("The file " + file.toAbsolutePath() + " is UTF-16 text (it starts with a UTF-16 byte order "
                    + "mark); the project reads UTF-8: save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new DataLoadException("The file " + file.toAbsolutePath() + " is binary, not text: NUL byte at offset " + i);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataLoadException("The file " + file.toAbsolutePath() + " is not UTF-8 (or ASCII) text (" + e.getMessage()
                    + "): save it as UTF-8, e.g. iconv -f ISO-8859-1 -t UTF-8 for a Latin-1 file", e);
        }
        if (text.isBlank()) {
            throw new DataLoadException("The text file " + file.toAbsolutePath() + " is empty: it holds only white space");
        }
    }

    /**
     * The whole text of {@code file}: lines as DataVec reads them, joined with "\n", with the final
     * line break kept when the file ends with one (so the result equals the file's content up to
     * the kind of line separator).
     *
     * @throws DataLoadException if the file is missing, empty or not text
     */
    public static String read(Path file) {
        requireText(file);
        List<String> lines = new ArrayList<>();
        LineRecordReader reader = new LineRecordReader();
        try {
            reader.initialize(new FileSplit(file.toFile()));
            while (reader.hasNext()) {
                List<Writable> record = reader.next();
                lines.add(record.get(0).toString());
            }
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + file.toAbsolutePath() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataLoadException("Interrupted while reading " + file.toAbsolutePath(), e);
        } finally {
            try {
                reader.close();
            } catch (IOException ignored) {
                // nothing was written; a failed close of a read-only stream loses nothing
            }
        }
        String text = String.join("\n", lines);
        return endsWithLineBreak(file) ? text + "\n" : text;
    }

    private static boolean endsWithLineBreak(Path file) {
        try (var channel = Files.newByteChannel(file)) {
            long size = channel.size();
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.position(size - 1).read(last);
            byte b = last.get(0);
            return b == '\n' || b == '\r';
        } catch (IOException e) {
            throw new DataLoadException("Cannot read " + file.toAbsolutePath() + ": " + e, e);
        }
    }
}
