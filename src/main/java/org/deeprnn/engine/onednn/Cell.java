package org.deeprnn.engine.onednn;

import org.bytedeco.dnnl.gru_backward;
import org.bytedeco.dnnl.gru_forward;
import org.bytedeco.dnnl.lstm_backward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.vanilla_rnn_backward;
import org.bytedeco.dnnl.vanilla_rnn_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.deeprnn.model.CellType;

/**
 * The three cells and how DL4J's parameter layout maps onto oneDNN's. DL4J stores each gate's block of
 * W (nIn x G h), RW (h x G h) and b (1 x G h) as consecutive columns of a column-major matrix, so a
 * gate's block is one contiguous run of floats; oneDNN's {@code ldgoi} layout is the same runs in its
 * own gate order. {@link #fromDl4j} says, for oneDNN's gate k, which of DL4J's blocks it is.
 * <ul>
 *   <li>LSTM: DL4J [block input c~ | forget | output | input gate], oneDNN (i, f, c~, o).</li>
 *   <li>GRU (the project's, d2l's equations): DL4J [reset | update | candidate], oneDNN's
 *   {@code vanilla_gru} (u, r, o) with the reset gate applied to H_{t-1} before the recurrent product
 *   and one bias per gate, as in {@code GRULayer}: H_t = u H_{t-1} + (1 - u) o.</li>
 *   <li>SimpleRnn: one block, oneDNN's {@code vanilla_rnn} with tanh.</li>
 * </ul>
 */
enum Cell {
    LSTM(4, new int[]{3, 1, 0, 2}, true),
    GRU(3, new int[]{1, 0, 2}, false),
    SIMPLE_RNN(1, new int[]{0}, false);

    final int gates;
    private final int[] fromDl4j;
    /** Whether the cell has a second state (the LSTM's cell state, oneDNN's src_iter_c). */
    final boolean cellState;

    Cell(int gates, int[] fromDl4j, boolean cellState) {
        this.gates = gates;
        this.fromDl4j = fromDl4j;
        this.cellState = cellState;
    }

    /** DL4J's gate block that is oneDNN's gate {@code k}. */
    int dl4jBlock(int k) {
        return fromDl4j[k];
    }

    static Cell of(CellType cell) {
        return switch (cell) {
            case LSTM -> LSTM;
            case GRU -> GRU;
            case SIMPLE_RNN -> SIMPLE_RNN;
        };
    }

    /** Descriptors of one layer's activations, as both primitives of {@link #primitives} take them. */
    record Shapes(memory.desc srcLayer, memory.desc dstLayer, memory.desc state, memory.desc weightsLayer,
                  memory.desc weightsIter, memory.desc bias) {
    }

    /** The forward-training and the backward primitive descriptors of one layer. */
    record Primitives(rnn_primitive_desc_base forward, rnn_primitive_desc_base backward) {
    }

    /**
     * Builds both primitive descriptors; weights in the layout each primitive prefers ({@code any}),
     * everything else in the plain layouts of {@code s}; each with a scratchpad of its own (see {@code OneDnn.ownScratchpad}).
     */
    Primitives primitives(Shapes s) {
        var fwd = dnnl.prop_kind.forward_training;
        var bwd = dnnl.prop_kind.backward;
        var dir = dnnl.rnn_direction.unidirectional_left2right;
        memory.desc st = s.state(), wl = s.weightsLayer(), wi = s.weightsIter(), b = s.bias();
        memory.desc src = s.srcLayer(), dst = s.dstLayer();
        var attr = OneDnn.ownScratchpad();
        switch (this) {
            case LSTM -> {
                var fd = new lstm_forward.desc(fwd, dir, src, st, st, wl, wi, b, dst, st, st);
                var fpd = new lstm_forward.primitive_desc(fd, attr, OneDnn.cpu());
                var bd = new lstm_backward.desc(bwd, dir, src, st, st, wl, wi, b, dst, st, st,
                        src, st, st, wl, wi, b, dst, st, st);
                return new Primitives(fpd, new lstm_backward.primitive_desc(bd, attr, OneDnn.cpu(), fpd));
            }
            case GRU -> {
                var fd = new gru_forward.desc(fwd, dir, src, st, wl, wi, b, dst, st);
                var fpd = new gru_forward.primitive_desc(fd, attr, OneDnn.cpu());
                var bd = new gru_backward.desc(bwd, dir, src, st, wl, wi, b, dst, st, src, st, wl, wi, b, dst, st);
                return new Primitives(fpd, new gru_backward.primitive_desc(bd, attr, OneDnn.cpu(), fpd));
            }
            default -> {
                var tanh = dnnl.algorithm.eltwise_tanh;
                var fd = new vanilla_rnn_forward.desc(fwd, tanh, dir, src, st, wl, wi, b, dst, st);
                var fpd = new vanilla_rnn_forward.primitive_desc(fd, attr, OneDnn.cpu());
                var bd = new vanilla_rnn_backward.desc(bwd, tanh, dir, src, st, wl, wi, b, dst, st, src, st, wl, wi, b, dst, st);
                return new Primitives(fpd, new vanilla_rnn_backward.primitive_desc(bd, attr, OneDnn.cpu(), fpd));
            }
        }
    }
}
