package org.deeprnn.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.generate.TextGenerator;
import org.deeprnn.text.Vocab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A network with broken weights is not used, and a model is saved only where a file can be. */
class ModelGuardsTest {
    private static final Vocab VOCAB = new Vocab(List.of("t", "i", "m", "e", " "));

    private static MultiLayerNetwork small() {
        return new DeepRnnBuilder().cell(CellType.SIMPLE_RNN).layers(2).hiddenUnits(4).vocabSize(VOCAB.size()).seed(1).network();
    }

    @Test
    void aNetworkWithNaNWeightsDoesNotGenerateText() {
        MultiLayerNetwork net = small();
        net.getLayer(1).params().putScalar(2, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TextGenerator(net, VOCAB).predict("time", 5));
        assertEquals("Cannot generate text: 1 of the 36 weights of layer 1 (SimpleRnn) are NaN or infinite (1 in the whole "
                + "network). The network comes from a training that diverged or from a damaged file: train it again (lower "
                + "learning rate, clipping) or load a good copy", e.getMessage());
        assertEquals(5 + 4, new TextGenerator(small(), VOCAB).predict("time", 5).length(), "finite weights generate as before");
    }

    @Test
    void savingBelowAFileOrOntoAFolderOrDeviceNamesThePath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ModelStore.save(small(), file.resolve("sub/model.zip")));
        assertEquals("Could not save the model to " + file.resolve("sub/model.zip") + ": " + file + " is a file, not a folder, so "
                + "nothing can be written below it: choose another path or move that file away", e.getMessage());
        assertTrue(assertThrows(UncheckedIOException.class, () -> ModelStore.save(small(), dir)).getMessage()
                .endsWith(dir + " is a folder: give the path of a file inside it"));
        // A named pipe stands for /dev/null and other special files (a test must never risk replacing the real one).
        Path pipe = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        assertTrue(assertThrows(UncheckedIOException.class, () -> ModelStore.save(small(), pipe)).getMessage()
                .endsWith(pipe + " exists and is not a regular file (a device, pipe or socket): give the path of an ordinary file"));
        assertTrue(Files.exists(pipe) && !Files.isRegularFile(pipe), "the pipe is still there");
        assertEquals("x", Files.readString(file), "nothing was overwritten");
        Path unusual = dir.resolve("mödel dir ü ' \" #/m ö.zip");
        ModelStore.save(small(), unusual);
        assertEquals(small().params(), ModelStore.load(unusual).params(), "a path with spaces, quotes and accents works");
    }
}
