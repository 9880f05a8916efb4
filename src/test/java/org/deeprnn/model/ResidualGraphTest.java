package org.deeprnn.model;

import org.deeprnn.layer.GRU;
import org.deeprnn.layer.RnnEquations;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.deeprnn.layer.RnnEquations.toArray1;
import static org.deeprnn.layer.RnnEquations.toArray2;
import static org.deeprnn.layer.RnnEquations.toArray3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graphs of {@link DeepRnnBuilder#buildGraph(boolean)}, checked against the equations written out by hand. */
class ResidualGraphTest {
    static final int LAYERS = 3, HIDDEN = 4, VOCAB = 5, BATCH = 2, STEPS = 6;

    static DeepRnnBuilder builder(CellType cell) {
        return new DeepRnnBuilder().cell(cell).layers(LAYERS).hiddenUnits(HIDDEN).vocabSize(VOCAB).seed(11)
                .dataType(DataType.DOUBLE);
    }

    static ComputationGraph graph(CellType cell, boolean residual) {
        ComputationGraph graph = builder(cell).graph(residual);
        return graph;
    }

    /** Real-valued inputs rather than one-hot rows, so that every input weight matters. */
    static INDArray input() {
        return Nd4j.rand(DataType.DOUBLE, BATCH, VOCAB, STEPS).subi(0.5).muli(2);
    }

    static double[][][] cell(CellType cell, Layer layer, double[][][] x) {
        double[][] w = toArray2(layer.getParam("W")), rw = toArray2(layer.getParam("RW"));
        double[] b = toArray1(layer.getParam("b"));
        return switch (cell) {
            case SIMPLE_RNN -> RnnEquations.simpleRnn(x, w, rw, b);
            case LSTM -> RnnEquations.lstm(x, w, rw, b);
            case GRU -> RnnEquations.gru(x, w, rw, b, null);
        };
    }

    static double[][][] plus(double[][][] a, double[][][] b) {
        double[][][] sum = new double[a.length][a[0].length][a[0][0].length];
        for (int n = 0; n < a.length; n++) {
            for (int j = 0; j < a[0].length; j++) {
                for (int t = 0; t < a[0][0].length; t++) {
                    sum[n][j][t] = a[n][j][t] + b[n][j][t];
                }
            }
        }
        return sum;
    }

    /** H^(1) = f_1(X); H^(l) = f_l(H^(l-1)) (+ H^(l-1) with residual connections); softmax(H^(L) W_hq + b_q). */
    static double[][][] byHand(CellType cellType, ComputationGraph graph, INDArray x, boolean residual) {
        double[][][] h = cell(cellType, graph.getLayer(DeepRnnBuilder.recurrentVertex(1)), toArray3(x));
        for (int l = 2; l <= LAYERS; l++) {
            double[][][] f = cell(cellType, graph.getLayer(DeepRnnBuilder.recurrentVertex(l)), h);
            h = residual ? plus(f, h) : f;
        }
        Layer out = graph.getLayer(DeepRnnBuilder.GRAPH_OUTPUT);
        return RnnEquations.softmaxOutput(h, toArray2(out.getParam("W")), toArray1(out.getParam("b")));
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void residualGraphComputesTheSkipConnectionsOfTheEquations(CellType cell) {
        ComputationGraph graph = graph(cell, true);
        INDArray x = input();
        INDArray y = graph.outputSingle(x);
        double residualError = RnnEquations.maxAbsDiff(byHand(cell, graph, x, true), y);
        double plainError = RnnEquations.maxAbsDiff(byHand(cell, graph, x, false), y);
        assertTrue(residualError < 1e-12, cell + ": graph vs H^(l) = f_l(H^(l-1)) + H^(l-1), max difference " + residualError);
        assertTrue(plainError > 1e-3, cell + ": the skips change the output, yet it matches the plain stack (" + plainError + ")");
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void plainGraphIsTheStackWithoutAdditions(CellType cell) {
        ComputationGraph graph = graph(cell, false);
        INDArray x = input();
        double error = RnnEquations.maxAbsDiff(byHand(cell, graph, x, false), graph.outputSingle(x));
        assertTrue(error < 1e-12, cell + ": plain graph vs stacked equations, max difference " + error);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void graphsHaveTheStackLayersAndParametersAndAddOnlyWithResidual(CellType cell) {
        ComputationGraphConfiguration residual = builder(cell).buildGraph(true);
        ComputationGraphConfiguration plain = builder(cell).buildGraph(false);
        Map<String, GraphVertex> vertices = residual.getVertices();
        assertNull(vertices.get(DeepRnnBuilder.residualVertex(1)), "layer 1 changes the width: no skip around it");
        for (int l = 2; l <= LAYERS; l++) {
            ElementWiseVertex add = assertInstanceOf(ElementWiseVertex.class, vertices.get(DeepRnnBuilder.residualVertex(l)));
            assertEquals(ElementWiseVertex.Op.Add, add.getOp());
            String below = l == 2 ? DeepRnnBuilder.recurrentVertex(1) : DeepRnnBuilder.residualVertex(l - 1);
            assertEquals(java.util.List.of(DeepRnnBuilder.recurrentVertex(l), below),
                    residual.getVertexInputs().get(DeepRnnBuilder.residualVertex(l)), "inputs of the addition after layer " + l);
        }
        assertEquals(java.util.List.of(DeepRnnBuilder.residualVertex(LAYERS)), residual.getVertexInputs().get(DeepRnnBuilder.GRAPH_OUTPUT));
        assertTrue(plain.getVertices().values().stream().allMatch(v -> v instanceof LayerVertex), "no additions in the plain graph");
        assertEquals(java.util.List.of(DeepRnnBuilder.recurrentVertex(LAYERS)), plain.getVertexInputs().get(DeepRnnBuilder.GRAPH_OUTPUT));

        MultiLayerNetwork stack = builder(cell).network();
        long expected = builder(cell).parameterCount().total();
        assertEquals(expected, stack.numParams());
        assertEquals(expected, graph(cell, true).numParams(), "additions hold no parameters");
        assertEquals(expected, graph(cell, false).numParams());
    }

    @Test
    void dropoutActsOnTheInputsOfLayersTwoToLAsInTheStack() {
        ComputationGraphConfiguration conf = builder(CellType.LSTM).dropout(0.25).buildGraph(true);
        assertNull(((LayerVertex) conf.getVertices().get(DeepRnnBuilder.recurrentVertex(1))).getLayerConf().getLayer().getIDropout());
        for (int l = 2; l <= LAYERS; l++) {
            Dropout d = assertInstanceOf(Dropout.class,
                    ((LayerVertex) conf.getVertices().get(DeepRnnBuilder.recurrentVertex(l))).getLayerConf().getLayer().getIDropout());
            assertEquals(0.75, d.getP(), 1e-12, "layer " + l + " keeps a unit with probability 1 - 0.25");
        }
    }

    @Test
    void impossibleSettingsAreRejectedWithTheirReason() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new DeepRnnBuilder().layers(1).hiddenUnits(HIDDEN).vocabSize(VOCAB).buildGraph(true));
        assertTrue(one.getMessage().contains("at least 2 recurrent layers") && one.getMessage().contains("buildGraph(false)"),
                one.getMessage());
        new ComputationGraph(new DeepRnnBuilder().layers(1).hiddenUnits(HIDDEN).vocabSize(VOCAB).buildGraph(false)).init();
        assertMessageNames("vocabSize", () -> new DeepRnnBuilder().layers(2).hiddenUnits(HIDDEN).buildGraph(true));
        assertMessageNames("hiddenUnits", () -> builder(CellType.GRU).hiddenUnits(0).buildGraph(true));
        assertMessageNames("layers", () -> builder(CellType.LSTM).layers(0).buildGraph(false));
        assertMessageNames("dropout", () -> builder(CellType.SIMPLE_RNN).dropout(1.0).buildGraph(true));
        assertMessageNames("outputSize", () -> new DeepRnnBuilder().layers(2).hiddenUnits(HIDDEN).inputSize(3).buildGraph(true));
    }

    private static void assertMessageNames(String name, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(name), "message should name " + name + ": " + e.getMessage());
    }
}
