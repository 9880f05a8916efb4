package org.deeprnn.experiment;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {

    @Test
    void aGapOfManySdsOnEverySeedIsClear() {
        // means 6 and 7, both sd 0.1: a gap of 10 sd, the first lower on all three seeds
        Verdict v = Verdict.lowerIsBetter("deep", Spread.of(5.9, 6.0, 6.1), "shallow", Spread.of(6.9, 7.0, 7.1));
        assertEquals(-1.0, v.difference(), 1e-12);
        assertEquals(10.0, v.differenceInSds(), 1e-9);
        assertEquals(3, v.firstLowerOn());
        assertTrue(v.clear());
        assertEquals("deep", v.winner());
        assertEquals("deep vs shallow: -1.000 (6.000 ± 0.100 against 7.000 ± 0.100), lower on 3 of 3 seeds, 10.0 sd: deep is better",
                v.toString());
    }

    @Test
    void aGapWithinTheSpreadOrWithMixedSignsIsNotAVerdict() {
        Verdict small = Verdict.lowerIsBetter("a", Spread.of(6.0, 6.5, 7.0), "b", Spread.of(6.2, 6.6, 7.3));
        assertTrue(small.differenceInSds() < Verdict.CLEAR);
        assertFalse(small.clear());
        assertNull(small.winner());
        assertTrue(small.toString().endsWith("within the spread, no clear winner"), small.toString());
        // large in sds but one seed goes the other way
        Verdict mixed = Verdict.lowerIsBetter("a", Spread.of(1.0, 1.0, 1.0, 3.5), "b", Spread.of(2.0, 2.0, 2.0, 3.0));
        assertEquals(3, mixed.firstLowerOn());
        assertFalse(mixed.clear());
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
}
