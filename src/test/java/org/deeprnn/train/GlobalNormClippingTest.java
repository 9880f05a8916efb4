package org.deeprnn.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

class GlobalNormClippingTest {

    @Test
    void largeGradientIsScaledToThetaKeepingItsDirection() {
        INDArray g = Nd4j.createFromArray(3.0, -4.0, 12.0); // norm 13
        INDArray original = g.dup();
        double before = GlobalNormClipping.clip(g, 1.0);
        assertEquals(13.0, before, 1e-12);
        assertEquals(1.0, g.norm2Number().doubleValue(), 1e-12);
        assertArrayEquals(new double[]{3 / 13.0, -4 / 13.0, 12 / 13.0}, g.toDoubleVector(), 1e-12);
        double cosine = g.mul(original).sumNumber().doubleValue() / (g.norm2Number().doubleValue() * 13.0);
        assertEquals(1.0, cosine, 1e-12);
    }

    @Test
    void smallGradientIsLeftAlone() {
        INDArray g = Nd4j.createFromArray(0.3f, 0.4f);
        assertEquals(0.5, GlobalNormClipping.clip(g, 1.0), 1e-6);
        assertArrayEquals(new float[]{0.3f, 0.4f}, g.toFloatVector());
    }

    @Test
    void normAfterIsAtMostThetaForRandomGradients() {
        Nd4j.getRandom().setSeed(11);
        for (double theta : new double[]{0.01, 1, 5}) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 1000).muli(3);
            GlobalNormClipping.clip(g, theta);
            assertTrue(g.norm2Number().doubleValue() <= theta * (1 + 1e-6));
        }
    }

    @Test
    void impossibleThresholdIsRejected() {
        INDArray g = Nd4j.ones(3);
        for (double theta : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlobalNormClipping.clip(g, theta));
            assertTrue(e.getMessage().contains("theta"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Trainer.builder().clipGlobalNorm(0));
    }
}
