package org.deeprnn.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How the project writes every file it makes (downloads, generated series, saved models, charts):
 * into a temporary file next to the target, then a rename, so that a reader never sees a
 * half-written file and a failure leaves an older copy as it was.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Fills a temporary file that will become the target. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    /**
     * Writes {@code target} through {@code content}, creating missing folders; the temporary file never outlives the call.
     *
     * @throws IOException naming the path, when the target is a folder or a special file (a device such as
     *         /dev/null, which the rename would replace), or when a parent of it is a file rather than a folder
     */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath().normalize();
        requireWritablePath(file);
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
        try {
            content.writeTo(temporary);
            move(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void requireWritablePath(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder: give the path of a file inside it");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " exists and is not a regular file (a device, pipe or socket): give the path "
                    + "of an ordinary file");
        }
        for (Path parent = file.getParent(); parent != null; parent = parent.getParent()) {
            if (Files.exists(parent)) {
                if (!Files.isDirectory(parent)) {
                    throw new IOException(parent + " is a file, not a folder, so nothing can be written below it: choose "
                            + "another path or move that file away");
                }
                return;
            }
        }
    }

    /** Renames {@code from} to {@code to}, replacing a file there; atomic where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
