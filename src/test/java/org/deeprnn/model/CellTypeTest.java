package org.deeprnn.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CellTypeTest {

    @Test
    void labelsAreTheLayersNamesNotTheEnumConstants() {
        assertEquals("SimpleRnn", CellType.SIMPLE_RNN.label());
        assertEquals("SimpleRnn, L = 2", CellType.SIMPLE_RNN.label(2));
        assertEquals("LSTM, L = 1", CellType.LSTM.label(1));
        assertEquals("GRU, L = 4", CellType.GRU.label(4));
    }

    @Test
    void weightBlocksAreTheGatesOfEachCell() {
        assertEquals(1, CellType.SIMPLE_RNN.weightBlocks());
        assertEquals(4, CellType.LSTM.weightBlocks());
        assertEquals(3, CellType.GRU.weightBlocks());
    }
}
