package org.deeprnn.model;

import org.deeprnn.io.AtomicFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Saves a trained network with DL4J's {@link ModelSerializer} and loads it back (notebook 3,
 * "Saving and loading the trained network"). Saving writes a temporary file next to the target and renames it, so a crash
 * never leaves a half-written model; loading a missing or damaged file says which file and what to do.
 */
public final class ModelStore {
    private ModelStore() {
    }

    /** Writes the network, its configuration and its updater state to {@code file}, replacing an older one. */
    public static void save(MultiLayerNetwork net, Path file) {
        try {
            AtomicFiles.write(file, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the model to " + file + ": " + e.getMessage(), e);
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
