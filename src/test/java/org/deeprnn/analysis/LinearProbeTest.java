package org.deeprnn.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LinearProbeTest {
    /** Rows of 4 features: two informative, one pure noise, one constant. */
    static double[][] features(Random r, int n) {
        double[][] x = new double[n][4];
        for (int i = 0; i < n; i++) {
            x[i][0] = r.nextGaussian() * 3 + 1;
            x[i][1] = r.nextGaussian() * 0.1;
            x[i][2] = r.nextGaussian();
            x[i][3] = 5;
        }
        return x;
    }

    static double[] linear(double[][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 2 * x[i][0] - 30 * x[i][1] + 7;
        }
        return y;
    }

    @Test
    void aLinearQuantityIsReadOffExactly() {
        Random r = new Random(1);
        double[][] train = features(r, 500), test = features(r, 300);
        LinearProbe probe = LinearProbe.fit(train, linear(train), 0);
        assertEquals(1.0, probe.r2(test, linear(test)), 1e-9);
        assertEquals(4, probe.inputs());
        double[] p = probe.predict(new double[][]{{1, 0, 123, 5}});
        assertEquals(9.0, p[0], 1e-6, "the noise feature gets no weight, the constant one is ignored");
    }

    @Test
    void ridgeShrinksTheReadOut() {
        Random r = new Random(2);
        double[][] train = features(r, 400);
        double[] y = linear(train);
        double exact = LinearProbe.fit(train, y, 0).r2(train, y);
        double shrunk = LinearProbe.fit(train, y, 1.0).r2(train, y);
        assertTrue(shrunk < exact - 0.1, "a strong penalty costs fit: " + shrunk + " vs " + exact);
    }

    @Test
    void anUnrelatedQuantityScoresAboutZeroOnNewRows() {
        Random r = new Random(3);
        double[][] train = features(r, 2000), test = features(r, 2000);
        double[] yTrain = new double[2000], yTest = new double[2000];
        for (int i = 0; i < 2000; i++) {
            yTrain[i] = r.nextGaussian();
            yTest[i] = r.nextGaussian();
        }
        double r2 = LinearProbe.fit(train, yTrain, 1e-3).r2(test, yTest);
        assertTrue(Math.abs(r2) < 0.01, "R^2 of noise: " + r2);
    }

    @Test
    void rSquaredIsOneMinusTheErrorShare() {
        assertEquals(1.0, LinearProbe.rSquared(new double[]{1, 2, 3}, new double[]{1, 2, 3}), 0);
        assertEquals(0.0, LinearProbe.rSquared(new double[]{2, 2, 2}, new double[]{1, 2, 3}), 0);
        assertEquals(-3.0, LinearProbe.rSquared(new double[]{3, 2, 1}, new double[]{1, 2, 3}), 1e-12);
    }

    @Test
    void theStrongestUnitAndItsSign() {
        Random r = new Random(4);
        double[][] x = features(r, 1000);
        double[] y = new double[1000];
        for (int i = 0; i < 1000; i++) {
            y[i] = -x[i][2] + 0.1 * r.nextGaussian();
        }
        UnitCorrelation u = UnitCorrelation.strongest(x, y);
        assertEquals(2, u.unit());
        assertTrue(u.correlation() < -0.99, "tracks it with the opposite sign: " + u.correlation());
    }

    @Test
    void badInputIsRejected() {
        double[][] x = {{1, 2}, {3, 4}, {5, 7}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new double[]{1, 2}, 0))
                .getMessage().contains("one value per row"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(new double[][]{{1, 2}, {3}}, new double[]{1, 2}, 0))
                .getMessage().contains("Row 1 has 1 features"));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new double[]{1, 2, 3}, -1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new double[]{1, 2, 3}, 0).r2(x, new double[]{1, 1, 1}))
                .getMessage().contains("constant"));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(x, new double[]{1, 2, 3}, 0).predict(new double[][]{{1}}));
        assertThrows(IllegalArgumentException.class, () -> UnitCorrelation.strongest(new double[][]{{1}, {1}}, new double[]{1, 2}));
    }
}
