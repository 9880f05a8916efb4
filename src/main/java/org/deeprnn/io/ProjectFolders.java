package org.deeprnn.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project keeps files it makes (the downloaded corpus in {@code data/}, trained models in
 * {@code models/}): in the nearest folder at or above the working directory that holds a
 * {@code pom.xml}, so that notebooks started from {@code notebooks/} and Maven runs share them.
 */
public final class ProjectFolders {
    private ProjectFolders() {
    }

    /** {@code name} under the project root found from {@code workingDir}, or under {@code workingDir} itself outside a project. */
    public static Path resolve(Path workingDir, String name) {
        Path start = workingDir.toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve(name);
            }
        }
        return start.resolve(name);
    }

    /** {@code name} under the project root found from the JVM's working directory. */
    public static Path resolve(String name) {
        return resolve(Path.of(System.getProperty("user.dir")), name);
    }
}
