package org.deeprnn.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedDifferenceTest {

    // Student's t, 0.975 quantile, from a printed table: df 1, 2, 4
    private static final double T1 = 12.7062;
    private static final double T2 = 4.3027;
    private static final double T4 = 2.7764;

    @Test
    void tQuantilesMatchThePrintedTable() {
        assertEquals(T1, PairedDifference.of(Spread.of(1, 2), Spread.of(0, 0)).tQuantile(), 1e-4);
        assertEquals(T2, PairedDifference.of(Spread.of(1, 2, 4), Spread.of(0, 0, 0)).tQuantile(), 1e-4);
        assertEquals(T4, PairedDifference.of(Spread.of(1, 2, 3, 4, 5), Spread.of(0, 0, 0, 0, 0)).tQuantile(), 1e-4);
    }

    @Test
    void threeSeedsIntervalAndPValueAgreeWithHandComputation() {
        // differences -0.5, -0.7, -0.9: mean -0.7, sd 0.2, standard error 0.2 / sqrt 3 = 0.115470
        PairedDifference d = PairedDifference.of(Spread.of(6.0, 6.1, 6.2), Spread.of(6.5, 6.8, 7.1));
        assertEquals(-0.7, d.mean(), 1e-12);
        assertEquals(T2 * 0.115470, d.halfWidth(), 1e-4);
        assertEquals(-0.7 - 0.49683, d.lower(), 1e-4);
        assertEquals(-0.7 + 0.49683, d.upper(), 1e-4);
        // with 2 degrees of freedom P(|T| > t) = 1 - t / sqrt(t^2 + 2); t = 0.7 / 0.115470 = 6.0622
        double t = 0.7 / (0.2 / Math.sqrt(3));
        assertEquals(1 - t / Math.sqrt(t * t + 2), d.pValue(), 1e-9);
        assertEquals(0.026148, d.pValue(), 1e-6);
        assertTrue(d.excludesZero());
        assertEquals("-0.70 [-1.20, -0.20], p = 0.026", d.toString());
    }

    @Test
    void fiveSeedsUseFourDegreesOfFreedom() {
        // differences 1..5: mean 3, sd sqrt 2.5, standard error sqrt(2.5 / 5) = 0.707107
        PairedDifference d = PairedDifference.of(Spread.of(1, 2, 3, 4, 5), Spread.of(0, 0, 0, 0, 0));
        assertEquals(T4 * 0.707107, d.halfWidth(), 1e-4);
        assertTrue(d.excludesZero());
    }

    @Test
    void anIntervalAcrossZeroIsNoDifference() {
        // differences -0.2, 0.1, -0.5: mean -0.2, sd 0.3, half-width 4.3027 * 0.3 / sqrt 3 = 0.7452
        PairedDifference d = PairedDifference.of(Spread.of(1.0, 1.1, 1.0), Spread.of(1.2, 1.0, 1.5));
        assertEquals(T2 * 0.3 / Math.sqrt(3), d.halfWidth(), 1e-4);
        assertFalse(d.excludesZero());
        assertTrue(d.pValue() > 0.05, "p " + d.pValue());
    }

    @Test
    void noScatterGivesPZeroOrOne() {
        assertEquals(0, PairedDifference.of(Spread.of(1, 2, 3), Spread.of(2, 3, 4)).pValue());
        assertEquals(1, PairedDifference.of(Spread.of(1, 2, 3), Spread.of(1, 2, 3)).pValue());
        assertEquals("-1.000 [-1.000, -1.000], p < 0.0001", PairedDifference.of(Spread.of(1, 2, 3), Spread.of(2, 3, 4)).toString());
    }

    @Test
    void oneSeedHasNoIntervalAndSaysWhy() {
        PairedDifference d = PairedDifference.of(Spread.of(1), Spread.of(2));
        assertEquals("-1.000 (one seed, no interval)", d.toString());
        IllegalStateException e = assertThrows(IllegalStateException.class, d::halfWidth);
        assertEquals("A paired interval needs at least two seeds, got 1; train the settings on more seeds", e.getMessage());
        assertFalse(d.excludesZero());
    }
}
