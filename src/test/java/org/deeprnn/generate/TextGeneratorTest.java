package org.deeprnn.generate;

import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.deeprnn.text.Corpus;
import org.deeprnn.text.TextPreprocessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TextGeneratorTest {
    static final Corpus CORPUS = Corpus.fromTokens(TextPreprocessor.charTokens("the time machine by h g wells ".repeat(4)), 0);

    static TextGenerator generator() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.LSTM).layers(2).hiddenUnits(16)
                .vocabSize(CORPUS.vocab().size()).seed(7).dataType(DataType.DOUBLE).network();
        return new TextGenerator(net, CORPUS.vocab());
    }

    static double[] softmax(double[] logits) {
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i]);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    @Test
    void rescaledDistributionIsTheSoftmaxOfTheLogitsOverTheTemperature() {
        double[] logits = {2.0, 1.0, 0.0, -1.5};
        double[] p = softmax(logits);
        for (double t : new double[] {0.25, 0.5, 1.0, 2.0, 10.0}) {
            double[] scaled = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                scaled[i] = logits[i] / t;
            }
            assertArrayEquals(softmax(scaled), TextGenerator.atTemperature(p, t), 1e-12, "temperature " + t);
        }
        assertArrayEquals(p, TextGenerator.atTemperature(p, 1.0), 1e-12, "temperature 1 keeps the distribution");
        double[] cold = TextGenerator.atTemperature(p, 0.01);
        assertEquals(1.0, cold[0], 1e-12, "a low temperature puts all mass on the most likely token");
        double[] hot = TextGenerator.atTemperature(p, 1e6);
        for (double h : hot) {
            assertEquals(0.25, h, 1e-5, "a high temperature flattens towards uniform");
        }
        assertArrayEquals(new double[] {0, 1, 0}, TextGenerator.atTemperature(new double[] {0, 1, 0}, 0.5), 0.0,
                "impossible tokens stay impossible");
    }

    @Test
    void drawsFollowTheDistribution() {
        double[] distribution = {0.5, 0.3, 0.2, 0.0};
        int[] counts = new int[distribution.length];
        Random random = new Random(1);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            counts[TextGenerator.draw(distribution, random)]++;
        }
        for (int i = 0; i < distribution.length; i++) {
            assertEquals(distribution[i], counts[i] / (double) n, 0.005, "frequency of index " + i);
        }
        assertEquals(0, counts[3], "a zero-probability index is never drawn");
    }

    @Test
    void lowTemperatureSamplingIsGreedyDecoding() {
        TextGenerator g = generator();
        assertEquals(g.predict("the time", 40), g.sample("the time", 40, 1e-6, new Random(3)));
    }

    @Test
    void theSameSeedGivesTheSameTextAndOtherSeedsOtherText() {
        TextGenerator g = generator();
        String a = g.sample("the", 60, 1.5, new Random(11));
        assertEquals(a, g.sample("the", 60, 1.5, new Random(11)), "seeded sampling is reproducible");
        assertNotEquals(a, g.sample("the", 60, 1.5, new Random(12)),
                "an untrained model is nearly uniform, so another seed writes other text");
        assertEquals("the".length() + 60, a.replace("<unk>", "?").length(), "60 tokens (an untrained model may draw <unk>)");
        assertTrue(a.startsWith("the"));
    }

    @Test
    void badTemperaturesAndInputsAreRefused() {
        TextGenerator g = generator();
        for (double t : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.sample("the", 5, t, new Random(1)));
            assertTrue(e.getMessage().contains("temperature must be a positive finite number"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TextGenerator.atTemperature(new double[] {0.5, 0.5}, t));
        }
        assertThrows(NullPointerException.class, () -> g.sample("the", 5, 1.0, null));
        assertThrows(IllegalArgumentException.class, () -> g.sample("The", 5, 1.0, new Random(1)), "unknown character");
        assertThrows(IllegalArgumentException.class, () -> TextGenerator.atTemperature(new double[] {0.5, -0.1}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TextGenerator.atTemperature(new double[0], 1.0));
        assertThrows(IllegalArgumentException.class, () -> TextGenerator.atTemperature(new double[] {0, 0}, 1.0));
    }
}
