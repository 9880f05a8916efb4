package org.deeprnn.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of the project's kernelspec: checks that the folders of the kernel's class path
 * ({@code RJK_CLASSPATH}) exist, then starts rapaio-jupyter-kernel's own {@code MainApp}.
 *
 * <p>rapaio skips a class path entry that does not exist, so after {@code mvn clean} every cell
 * would fail with "package org.deeprnn... does not exist"; this says what happened instead (in
 * the kernel's log, which the runner shows) and ends before the kernel answers.
 */
public final class KernelMain {
    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("RJK_CLASSPATH", "").split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry.contains("*") ? entry.substring(0, entry.indexOf('*')) : entry);
            if (!Files.exists(path)) {
                missing.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("error: the kernel's class path names " + String.join(", ", missing)
                    + ", which does not exist (after 'mvn clean'?); run bash tools/run-chapters.sh --setup-only"
                    + " in the project to make it again");
            System.exit(2);
        }
        org.rapaio.jupyter.kernel.MainApp.main(args);
    }
}
