package org.deeprnn.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Saves a trained network with DL4J's {@link ModelSerializer} and loads it back (section "Saving
 * and loading"). Saving writes a temporary file next to the target and renames it, so a crash
 * never leaves a half-written model; loading a missing or damaged file says which file and what to do.
 */
public final class ModelStore {
    private ModelStore() {
    }

    /** Writes the network, its configuration and its updater state to {@code file}, replacing an older one. */
    public static void save(MultiLayerNetwork net, Path file) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            ModelSerializer.writeModel(net, tmp.toFile(), true);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the model to " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is already gone or cannot be removed; the error above says what failed
                }
            }
        }
    }

    /** Reads a network saved by {@link #save}. */
    public static MultiLayerNetwork load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No saved model at " + file + ": train the network and save it with "
                    + "ModelStore.save first (or check the path)");
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a readable DL4J model (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); it may be damaged or from another program: "
                    + "delete it and save the model again", e);
        }
    }
}
