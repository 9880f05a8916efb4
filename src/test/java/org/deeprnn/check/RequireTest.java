package org.deeprnn.check;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequireTest {
    @Test
    void positiveFiniteNumbersPassThrough() {
        assertEquals(0.5, Require.positiveFinite("rate", 0.5));
        assertEquals(Double.MIN_VALUE, Require.positiveFinite("rate", Double.MIN_VALUE, "lower it"));
        assertEquals(3, Require.atLeastOne("layers", 3));
    }

    @Test
    void everyOtherNumberIsNamedWithItsValueAndTheAdvice() {
        for (double bad : new double[]{0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertEquals("rate must be a positive finite number, got " + bad,
                    assertThrows(IllegalArgumentException.class, () -> Require.positiveFinite("rate", bad)).getMessage());
        }
        assertEquals("The temperature must be a positive finite number, got -0.5; call predict for greedy decoding",
                assertThrows(IllegalArgumentException.class,
                        () -> Require.positiveFinite("The temperature", -0.5, "call predict for greedy decoding")).getMessage());
    }

    @Test
    void countsBelowOneAreNamedWithTheReason() {
        assertEquals("layers must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Require.atLeastOne("layers", 0)).getMessage());
        assertEquals("hiddenUnits must be at least 1, got -2: every layer needs at least one unit",
                assertThrows(IllegalArgumentException.class,
                        () -> Require.atLeastOne("hiddenUnits", -2, "every layer needs at least one unit")).getMessage());
    }
}
