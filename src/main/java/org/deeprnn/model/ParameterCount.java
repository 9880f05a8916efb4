package org.deeprnn.model;

/**
 * The chapter's parameter formulas for an L-layer RNN language model, layer by layer
 * (section "Parameters and cost per step"): a recurrent layer with n inputs and h units holds
 * g (n h + h h + h) parameters, g = 1 for the plain RNN, 4 for the LSTM and 3 for the GRU; the output layer holds h q + q.
 * A layer-normalised GRU ({@code layerNorm}) adds two gains per gate and unit, 2 g h.
 * {@link #pytorchTotal()} gives what PyTorch's {@code nn.RNN}, {@code nn.GRU} or {@code nn.LSTM} reports for the same
 * sizes, for readers who check the chapter's counts against d2l's PyTorch code.
 */
public record ParameterCount(CellType cell, int layers, int hiddenUnits, int inputSize, int outputSize, boolean layerNorm) {

    public ParameterCount {
        if (layerNorm && cell != CellType.GRU) {
            throw new IllegalArgumentException("layerNorm counts the gains of the layer-normalised GRU; cell " + cell
                    + " has no layer normalisation here");
        }
        DeepRnnBuilder.requirePositive("layers", layers, "a deep RNN has at least one recurrent layer");
        DeepRnnBuilder.requirePositive("hiddenUnits", hiddenUnits, "every layer needs at least one unit");
        DeepRnnBuilder.requirePositive("inputSize", inputSize, "the input has at least one feature (one-hot over a vocabulary for text)");
        DeepRnnBuilder.requirePositive("outputSize", outputSize, "the output has at least one value (a distribution over a vocabulary for text)");
    }

    /** The count without layer normalisation. */
    public ParameterCount(CellType cell, int layers, int hiddenUnits, int inputSize, int outputSize) {
        this(cell, layers, hiddenUnits, inputSize, outputSize, false);
    }

    /** Parameters of recurrent layer {@code l}, counted from 1 (its input is d wide for l = 1, h wide above). */
    public long recurrentLayer(int l) {
        if (l < 1 || l > layers) {
            throw new IllegalArgumentException("Layer " + l + " does not exist: layers are numbered 1.." + layers);
        }
        long in = l == 1 ? inputSize : hiddenUnits;
        long h = hiddenUnits;
        return cell.weightBlocks() * (in * h + h * h + h + (layerNorm ? 2 * h : 0));
    }

    /** Parameters of the output layer: W_hq (h x q) and b_q. */
    public long outputLayer() {
        return (long) hiddenUnits * outputSize + outputSize;
    }

    /** All parameters; equals {@code MultiLayerNetwork.numParams()} of the network the builder makes. */
    public long total() {
        long sum = outputLayer();
        for (int l = 1; l <= layers; l++) {
            sum += recurrentLayer(l);
        }
        return sum;
    }

    /**
     * All parameters of the same network in PyTorch ({@code nn.LSTM} etc. plus {@code nn.Linear}): PyTorch keeps two
     * bias vectors per gate, b_ih and b_hh (cuDNN's layout), where DL4J keeps one, so every recurrent layer holds
     * g h more, g (n h + h h + 2 h). In the LSTM and the plain RNN the two biases only appear as their sum, so
     * the models are equally expressive; in {@code nn.GRU} the candidate's b_hn is multiplied by the reset gate,
     * so there it is a parameter the project's GRU lacks.
     *
     * @throws IllegalStateException for the layer-normalised GRU, which has no PyTorch counterpart
     */
    public long pytorchTotal() {
        if (layerNorm) {
            throw new IllegalStateException("PyTorch's nn.GRU has no layer normalisation, so there is no PyTorch count to give;"
                    + " compare the count without layerNorm");
        }
        return total() + (long) layers * cell.weightBlocks() * hiddenUnits;
    }

    /**
     * Multiply-adds per example and time step in the forward pass: the products with W_xh, W_hh of
     * every layer and with W_hq. Grows as O(L h^2) with the depth.
     */
    public long multiplyAddsPerStep() {
        long h = hiddenUnits;
        long sum = h * outputSize;
        for (int l = 1; l <= layers; l++) {
            long in = l == 1 ? inputSize : h;
            sum += cell.weightBlocks() * (in * h + h * h);
        }
        return sum;
    }
}
