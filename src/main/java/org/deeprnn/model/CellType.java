package org.deeprnn.model;

import org.deeprnn.layer.GRU;

/** The recurrent cell stacked in every hidden layer (notebook 2, "The architecture"). */
public enum CellType {
    /** DL4J {@code SimpleRnn}: H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h), equation (1) of the chapter. */
    SIMPLE_RNN(1, "SimpleRnn"),
    /** DL4J {@code LSTM} without peepholes: four gates, each with its own W_xh, W_hh and b_h. */
    LSTM(4, "LSTM"),
    /**
     * The project's {@link org.deeprnn.layer.GRU} (DL4J 1.0.0-M2.1 has none): reset gate, update gate
     * and candidate state, each with its own W_xh, W_hh and b_h (notebook 5,
     * "1. d2l's deep GRU: 2 layers of 32 units, 100 epochs").
     */
    GRU(3, "GRU");

    private final int weightBlocks;
    private final String label;

    CellType(int weightBlocks, String label) {
        this.weightBlocks = weightBlocks;
        this.label = label;
    }

    /** The name a chart or table shows: the DL4J layer's name ("SimpleRnn", "LSTM") or "GRU". */
    public String label() {
        return label;
    }

    /** A setting's label such as "SimpleRnn, L = 2". */
    public String label(int layers) {
        return label + ", L = " + layers;
    }

    /** How many (W_xh, W_hh, b_h) sets a layer of this cell holds: 1 for the plain RNN, 4 for the LSTM, 3 for the GRU. */
    public int weightBlocks() {
        return weightBlocks;
    }
}
