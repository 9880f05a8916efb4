package org.deeprnn.experiment;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RunSizeTest {
    @Test
    void readsTheModeFromTheEnvironment() {
        assertEquals(RunSize.FULL, RunSize.from(Map.of()));
        assertEquals(RunSize.QUICK, RunSize.from(Map.of(RunSize.ENV, " Quick ")));
        assertEquals(RunSize.FULL, RunSize.from(Map.of(RunSize.ENV, "full")));
        assertEquals(500, RunSize.FULL.pick(500, 5));
        assertEquals(5, RunSize.QUICK.pick(500, 5));
    }

    @Test
    void unknownModeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunSize.from(Map.of(RunSize.ENV, "fast")));
        assertTrue(e.getMessage().contains("DEEPRNN_MODE") && e.getMessage().contains("fast"), e.getMessage());
    }
}
