package org.deeprnn.model;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Sizes the memory cannot hold and nulls are refused by the builder, before DL4J allocates or dereferences anything. */
class BuilderLimitsTest {

    @Test
    void aNetworkTooLargeForTheMemoryIsRefusedWithItsCost() {
        DeepRnnBuilder b = new DeepRnnBuilder().hiddenUnits(200_000).vocabSize(28);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::network);
        String m = e.getMessage();
        assertTrue(m.startsWith("A LSTM network of 2 layers with 200000 hidden units, 28 inputs and 28 outputs would hold 4.80e+11 "
                + "parameters, 3840.2 GB with their gradients and Sgd's state (FLOAT, 4 bytes each), more than the 2^31 - 1 values"), m);
        assertTrue(m.endsWith("Use fewer hiddenUnits or layers"), m);
        assertThrows(IllegalArgumentException.class, () -> b.graph(true));
        IllegalArgumentException deep = assertThrows(IllegalArgumentException.class,
                () -> new DeepRnnBuilder().layers(Integer.MAX_VALUE).vocabSize(28).network());
        assertTrue(deep.getMessage().contains("2147483647 layers"), deep.getMessage());
        assertEquals(new DeepRnnBuilder().hiddenUnits(16).vocabSize(28).parameterCount().total(),
                new DeepRnnBuilder().hiddenUnits(16).vocabSize(28).network().numParams(), "a small network is built as before");
    }

    @Test
    void nullsAreRefusedWithWhatToPass() {
        DeepRnnBuilder b = new DeepRnnBuilder();
        assertEquals("weightInit must not be null: pass new WeightInitXavier() (the default)",
                assertThrows(IllegalArgumentException.class, () -> b.weightInit(null)).getMessage());
        assertEquals("updater must not be null: pass new Sgd(1.0) (the default)",
                assertThrows(IllegalArgumentException.class, () -> b.updater(null)).getMessage());
        assertEquals("dataType must not be null: pass DataType.FLOAT (the default) or DataType.DOUBLE",
                assertThrows(IllegalArgumentException.class, () -> b.dataType(null)).getMessage());
        assertEquals("output must not be null: pass OutputMode.SOFTMAX_CROSS_ENTROPY (the default) or OutputMode.IDENTITY_MSE",
                assertThrows(IllegalArgumentException.class, () -> b.output(null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.gradientNormalization(null, 1)).getMessage()
                .contains("GradientNormalization.None"));
        assertNotNull(b.gradientNormalization(GradientNormalization.ClipL2PerLayer, 1).vocabSize(5).hiddenUnits(4).network());
    }
}
