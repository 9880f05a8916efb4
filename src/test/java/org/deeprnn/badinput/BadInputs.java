package org.deeprnn.badinput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the library's bad-input cases and prints one line per case: name, outcome, message. With case
 * names as arguments it runs only those (how an isolated case runs in its own JVM); the outcome of a child
 * JVM that dies without a line is "crash" with the last line it wrote.
 */
public final class BadInputs {
    private BadInputs() {
    }

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("bad-inputs");
        try {
            List<BadInputCase> cases = new LibraryCases(tmp).cases();
            List<String> only = List.of(args);
            for (BadInputCase c : cases) {
                if (!only.isEmpty() && !only.contains(c.name())) {
                    continue;
                }
                System.out.println(c.isolated() && only.isEmpty() ? isolated(c) : c.run());
                System.out.flush();
            }
        } finally {
            delete(tmp);
        }
        System.exit(0);
    }

    /** Runs {@code c} in a JVM of its own with a 1 GB heap (so ND4J may allocate about that much off the heap too). */
    private static String isolated(BadInputCase c) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), BadInputs.class.getName(),
                c.name()).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (var r = p.inputReader(StandardCharsets.UTF_8)) {
                r.lines().forEach(out::add);
            } catch (IOException ignored) {
                // the process ended; what was read is kept
            }
        });
        reader.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join();
            return c.line("crash", "still running after 120 s");
        }
        reader.join();
        for (String line : out) {
            if (line.startsWith(c.name() + " ") && line.contains(" | ")) {
                return line;
            }
        }
        String last = out.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
        return c.line("crash", "the JVM exited with status " + p.exitValue() + ": " + last);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
