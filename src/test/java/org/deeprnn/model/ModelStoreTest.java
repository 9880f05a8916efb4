package org.deeprnn.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ModelStoreTest {
    @TempDir
    Path dir;

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new DeepRnnBuilder().layers(2).hiddenUnits(6).vocabSize(5).seed(3).network();
        return net;
    }

    @Test
    void savedNetworkLoadsBackWithTheSameOutputs() throws Exception {
        MultiLayerNetwork net = network();
        Path file = dir.resolve("models").resolve("net.zip");
        ModelStore.save(net, file);
        MultiLayerNetwork loaded = ModelStore.load(file);
        INDArray x = Nd4j.rand(2, 5, 4);
        assertEquals(net.output(x), loaded.output(x));
        assertEquals(net.params(), loaded.params());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "only the model file, no temporary file");
        }
    }

    @Test
    void missingFileSaysWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(dir.resolve("none.zip")));
        assertTrue(e.getMessage().contains("No saved model at") && e.getMessage().contains("none.zip"), e.getMessage());
    }

    @Test
    void damagedFileIsNamed() throws Exception {
        Path good = dir.resolve("good.zip");
        ModelStore.save(network(), good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.zip"), Arrays.copyOf(bytes, bytes.length / 3));
        Path text = Files.writeString(dir.resolve("text.zip"), "not a model");
        for (Path bad : new Path[]{truncated, text}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelStore.load(bad));
            assertTrue(e.getMessage().contains(bad.getFileName().toString()) && e.getMessage().contains("not a readable DL4J model"),
                    e.getMessage());
        }
    }

    @Test
    void failedSaveLeavesNothingBehind() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        assertThrows(UncheckedIOException.class, () -> ModelStore.save(network(), notAFolder.resolve("net.zip")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
