package org.deeprnn.text;

import org.deeprnn.io.DataDownloader;
import org.deeprnn.io.DataLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** A mirror copy of the book that is not prose, not UTF-8 or not a file is refused at load, naming the file. */
class CorpusFileTest {
    @TempDir
    Path tmp;

    private DataDownloader mirror(String folder, byte[] content) throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve(folder));
        Files.write(mirror.resolve(TimeMachine.FILE_NAME), content);
        return new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"), Optional.of(mirror));
    }

    private String refused(DataDownloader source) {
        return assertThrows(DataLoadException.class, () -> TimeMachine.corpus(0, source)).getMessage();
    }

    @Test
    void anHtmlErrorPageIsNotTheBook() throws Exception {
        String page = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n";
        DataDownloader source = mirror("html", page.getBytes(StandardCharsets.UTF_8));
        Path file = tmp.resolve("html").resolve(TimeMachine.FILE_NAME).toAbsolutePath();
        assertEquals(file + " is not usable as a corpus: a corpus must be plain prose, mostly letters (d2l's preprocessing keeps "
                + "only letters and turns everything else into spaces), but this file is an HTML or XML page (starting with "
                + "\"<!DOCTYPE html>\"), perhaps an error page saved instead of the book: replace it with the real text file",
                refused(source));
    }

    @Test
    void digitsAreNotProse() throws Exception {
        String m = refused(mirror("digits", "1234 5678\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.startsWith(tmp.resolve("digits").resolve(TimeMachine.FILE_NAME).toAbsolutePath() + " is not usable as a corpus")
                && m.contains("only 0 of its 8 non-blank characters are letters"), m);
        assertTrue(refused(mirror("mostly", "a 1234 5678 b\n".getBytes(StandardCharsets.UTF_8))).contains("only 2 of its 10"));
    }

    @Test
    void otherEncodingsAndSpecialFilesAreNamed() throws Exception {
        String latin1 = refused(mirror("latin1", "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(latin1.contains("is not UTF-8 (or ASCII) text") && latin1.contains("save it as UTF-8"), latin1);
        String utf16 = refused(mirror("utf16", "time machine\n".getBytes(StandardCharsets.UTF_16)));
        assertTrue(utf16.contains(TimeMachine.FILE_NAME + " is UTF-16 text") && utf16.contains("save it as UTF-8"), utf16);
        Path dir = Files.createDirectories(tmp.resolve("dir").resolve(TimeMachine.FILE_NAME));
        String folder = refused(new DataDownloader(TimeMachine.URL, TimeMachine.SHA1, TimeMachine.FILE_NAME, tmp.resolve("data"),
                Optional.of(dir.getParent())));
        assertTrue(folder.contains(dir.toAbsolutePath() + " is not a regular file"), folder);
        Corpus ok = TimeMachine.corpus(0, mirror("ok \u00fc '#", "Caf\u00e9 au lait\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("caf au lait ", ok.text(0, ok.length()), "a UTF-8 file in a folder with spaces and accents loads");
    }
}
