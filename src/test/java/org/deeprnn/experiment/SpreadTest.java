package org.deeprnn.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadTest {

    @Test
    void meanSampleSdAndRangeAgreeWithHandComputedValues() {
        Spread s = Spread.of(2, 4, 9);
        assertEquals(5.0, s.mean(), 1e-12);
        // deviations -3, -1, 4: squares 9 + 1 + 16 = 26, over n - 1 = 2
        assertEquals(Math.sqrt(13), s.sd(), 1e-12);
        assertEquals(2, s.min());
        assertEquals(9, s.max());
        assertEquals(3, s.n());
        assertEquals(0, Spread.of(7).sd());
    }

    @Test
    void meanAndSdShareTheDecimalsThatShowTheSd() {
        assertEquals("6.724 ± 0.053 (6.671–6.777, 3 seeds)", Spread.of(6.671, 6.724, 6.777).toString());
        // sd 0.0005: five decimals, so the sd shows two significant digits beside the mean
        assertEquals("0.08200 ± 0.00050 (0.08150–0.08250, 3 seeds)", Spread.of(0.0815, 0.0820, 0.0825).toString());
        assertEquals("0.08200 ± 0.00050", Spread.of(0.0815, 0.0820, 0.0825).meanSd());
        assertEquals("7.500", Spread.of(7.5).toString());
    }

    @Test
    void wholeNumbersPrintAsIntegersWithAOneDecimalMean() {
        // epochs 90, 90, 110: mean 96.667, sd 11.547
        assertEquals("96.7 ± 11.5 (90–110, 3 seeds)", Spread.of(90, 90, 110).toString());
        assertEquals("5.0 ± 3.6 (2–9, 3 seeds)", Spread.of(2, 4, 9).toString());
        assertEquals("7", Spread.of(7).toString());
    }

    @Test
    void pairedDifferenceIsSeedBySeed() {
        Spread d = Spread.pairedDifference(Spread.of(6, 7, 8), Spread.of(6.5, 6.5, 9));
        assertArrayEquals(new double[]{-0.5, 0.5, -1}, d.values(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spread.pairedDifference(Spread.of(1, 2), Spread.of(1, 2, 3)));
        assertTrue(e.getMessage().contains("same seeds"), e.getMessage());
    }

    @Test
    void valuesAreCopiedAndEmptyIsRefused() {
        double[] v = {1, 2};
        Spread s = new Spread(v);
        v[0] = 100;
        assertEquals(1.5, s.mean(), 1e-12);
        s.values()[1] = 100;
        assertEquals(1.5, s.mean(), 1e-12);
        assertThrows(IllegalArgumentException.class, Spread::of);
    }

    @Test
    void seedsWithoutAValueAreCountedAndNamedNotAveraged() {
        double inf = Double.POSITIVE_INFINITY, nan = Double.NaN;
        assertEquals("not reached on 3 of 3 seeds", Spread.of(nan, nan, nan).toString());
        assertEquals("diverged on 2 of 2 seeds", Spread.of(inf, inf).meanSd());
        Spread mixed = Spread.of(6.1, inf, 7.2);
        assertEquals(2, mixed.finiteCount());
        assertEquals(Spread.of(6.1, 7.2), mixed.finite());
        assertEquals("6.65 ± 0.78 (6.10–7.20, 2 seeds), diverged on 1 of 3 seeds", mixed.toString());
        assertEquals("6.65 ± 0.78, diverged on 1 of 3 seeds", mixed.meanSd());
        assertEquals("12, diverged on 1 of 3 seeds; not reached on 1 of 3 seeds", Spread.of(12, inf, nan).toString());
        assertThrows(IllegalStateException.class, () -> Spread.of(inf).finite());
    }
}
