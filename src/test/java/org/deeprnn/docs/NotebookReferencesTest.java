package org.deeprnn.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's Javadoc points at notebook sections in one form, {@code notebook N, "Title"} (or
 * {@code notebook N, section "Title"}), where N is the number of {@code notebooks/0N-*.ipynb} and Title the exact text of
 * one of its markdown headings; this test fails for every such reference whose notebook has no heading of that title.
 */
class NotebookReferencesTest {
    /** The form: "notebook", its number, a comma, optionally "section", and the heading in double quotes (may wrap in Javadoc). */
    static final Pattern REFERENCE = Pattern.compile("notebook\\s+(\\d+),\\s+(?:section\\s+)?\"([^\"]+)\"");
    private static final Pattern HEADING = Pattern.compile("\"#+\\s+((?:[^\"\\\\]|\\\\.)*?)(?:\\\\n)?\"");

    @Test
    void everyReferenceNamesAHeadingThatExists() throws IOException {
        List<String> stale = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) {
                    checked++;
                    if (!headings(Integer.parseInt(m.group(1))).contains(m.group(2))) {
                        stale.add(file.getFileName() + ": notebook " + m.group(1) + ", \"" + m.group(2) + "\"");
                    }
                }
            }
        }
        assertTrue(checked > 0, "no reference of the form notebook N, \"Title\" found");
        assertEquals(List.of(), stale, "references to headings the notebooks lack");
    }

    @Test
    void theFormIsRecognisedAcrossAJavadocLineBreak() {
        Matcher m = REFERENCE.matcher("see notebook 4, section \"A look inside\" and notebook 6, \"More data\"");
        assertTrue(m.find());
        assertEquals("4", m.group(1));
        assertEquals("A look inside", m.group(2));
        assertTrue(m.find());
        assertEquals("More data", m.group(2));
    }

    /** The markdown headings of notebook {@code number}, without their #s. */
    static Set<String> headings(int number) throws IOException {
        String prefix = String.format("%02d-", number);
        try (Stream<Path> notebooks = Files.list(Path.of("notebooks"))) {
            List<Path> found = notebooks.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".ipynb")).toList();
            assertEquals(1, found.size(), "one notebook numbered " + number + ": " + found);
            Set<String> titles = new HashSet<>();
            Matcher m = HEADING.matcher(Files.readString(found.get(0), StandardCharsets.UTF_8));
            while (m.find()) {
                titles.add(m.group(1).replace("\\\"", "\"").trim());
            }
            return titles;
        }
    }
}
