package org.deeprnn.model;

import org.deeprnn.layer.GRU;

/** The recurrent cell stacked in every hidden layer (section "Deep RNN architecture"). */
public enum CellType {
    /** DL4J {@code SimpleRnn}: H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), equation (1) of the chapter. */
    SIMPLE_RNN(1),
    /** DL4J {@code LSTM} without peepholes: four gates, each with its own W_xh, W_hh and b_h. */
    LSTM(4),
    /**
     * The project's {@link org.deeprnn.layer.GRU} (DL4J 1.0.0-M2.1 has none): reset gate, update gate
     * and candidate state, each with its own W_xh, W_hh and b_h (section "Deep GRU").
     */
    GRU(3);

    private final int weightBlocks;

    CellType(int weightBlocks) {
        this.weightBlocks = weightBlocks;
    }

    /** How many (W_xh, W_hh, b_h) sets a layer of this cell holds: 1 for the plain RNN, 4 for the LSTM, 3 for the GRU. */
    public int weightBlocks() {
        return weightBlocks;
    }
}
