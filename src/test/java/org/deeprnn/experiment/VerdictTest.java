package org.deeprnn.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {

    @Test
    void anIntervalBelowZeroMakesTheFirstBetter() {
        // paired differences -0.5, -0.7, -0.9: interval -0.70 ± 0.50, p = 0.026 (see PairedDifferenceTest)
        Verdict v = Verdict.lowerIsBetter("deep", Spread.of(6.0, 6.1, 6.2), "shallow", Spread.of(6.5, 6.8, 7.1));
        assertEquals(-0.7, v.difference(), 1e-12);
        assertEquals(3, v.firstLowerOn());
        assertTrue(v.clear());
        assertEquals("deep", v.winner());
        assertEquals("deep vs shallow: 6.10 ± 0.10 against 6.80 ± 0.30, paired difference -0.70 [-1.20, -0.20], p = 0.026,"
                + " lower on 3 of 3 seeds: deep is better", v.toString());
    }

    @Test
    void aDifferenceSmallAgainstItsOwnScatterIsNotAVerdict() {
        Verdict small = Verdict.lowerIsBetter("a", Spread.of(1.0, 1.1, 1.0), "b", Spread.of(1.2, 1.0, 1.5));
        assertFalse(small.clear());
        assertNull(small.winner());
        assertEquals(2, small.firstLowerOn());
        assertTrue(small.toString().endsWith("the interval includes 0, no clear winner"), small.toString());
    }

    @Test
    void pairingFindsAGapThatTheSpreadsHide() {
        // seeds move both settings alike by up to 1.0; the paired gap is 0.1 on every seed: p = 0
        Verdict v = Verdict.lowerIsBetter("a", Spread.of(5.0, 5.5, 6.0), "b", Spread.of(5.1, 5.6, 6.1));
        assertTrue(v.clear());
        assertEquals("a", v.winner());
    }

    @Test
    void higherMeansTheSecondWinsAndOneSeedGivesNoVerdict() {
        Verdict v = Verdict.lowerIsBetter("a", Spread.of(8.0, 8.1, 8.2), "b", Spread.of(6.0, 6.1, 6.2));
        assertEquals("b", v.winner());
        assertEquals(0, v.firstLowerOn());
        Verdict one = Verdict.lowerIsBetter("a", Spread.of(1), "b", Spread.of(2));
        assertFalse(one.clear());
        assertTrue(one.toString().endsWith("one seed, no verdict"), one.toString());
        assertThrows(IllegalArgumentException.class, () -> Verdict.lowerIsBetter("a", Spread.of(1, 2), "b", Spread.of(1)));
    }

    @Test
    void aSettingThatDivergedOnEverySeedLosesAndIsNamedAsDiverged() {
        double inf = Double.POSITIVE_INFINITY;
        Verdict v = Verdict.lowerIsBetter("clipped", Spread.of(3.0, 3.5), "not clipped", Spread.of(inf, inf));
        assertTrue(v.clear());
        assertEquals("clipped", v.winner());
        assertEquals("clipped vs not clipped: 3.25 ± 0.35 against diverged on 2 of 2 seeds: clipped is better"
                + " (the other diverged on every seed)", v.toString());
        assertEquals("clipped", Verdict.lowerIsBetter("not clipped", Spread.of(inf, inf), "clipped", Spread.of(3.0, 3.5)).winner());
    }

    @Test
    void aDivergenceOnSomeSeedsOnlyGivesNoVerdict() {
        Verdict v = Verdict.lowerIsBetter("8, halved", Spread.of(17.35, Double.POSITIVE_INFINITY), "constant 2", Spread.of(19.0, 27.0));
        assertFalse(v.clear());
        assertNull(v.winner());
        assertEquals("8, halved vs constant 2: 17.350, diverged on 1 of 2 seeds against 23.0 ± 5.7: a run diverged or did not"
                + " get there on some seeds only, no paired verdict", v.toString());
    }
}
