package org.deeprnn.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeprnn.model.CellType;
import org.deeprnn.model.DeepRnnBuilder;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** What the engines read from a network, and the batches they accept, checked against the configurations built here. */
class NetworkReadingTest {

    @Test
    void readsCellsWidthsDropoutAndLoss() {
        MultiLayerNetwork net = new DeepRnnBuilder().cell(CellType.GRU).layers(2).hiddenUnits(8).vocabSize(28).dropout(0.3)
                .dataType(DataType.FLOAT).network();
        NetworkReading reading = NetworkReading.of(net);
        assertEquals(List.of(new NetworkReading.Recurrent(CellType.GRU, 28, 8, 1.0), new NetworkReading.Recurrent(CellType.GRU, 8, 8, 0.7)),
                reading.layers());
        assertEquals(28, reading.nIn());
        assertEquals(28, reading.nOut());
        assertFalse(reading.mse());
        assertEquals(DataType.FLOAT, reading.dataType());
        assertEquals("GRU(28->8), GRU(8->8), output(8->28)", reading.describeLayers());
    }

    @Test
    void readsARegressionStackOfMixedCells() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new LSTM.Builder().activation(Activation.TANH).nIn(2).nOut(5).build())
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn.Builder().activation(Activation.TANH).nIn(5).nOut(3).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).nIn(3).nOut(1).build())
                .build());
        net.init();
        NetworkReading reading = NetworkReading.of(net);
        assertEquals("LSTM(2->5), SimpleRnn(5->3), output(3->1)", reading.describeLayers());
        assertTrue(reading.mse());
        assertEquals(0.0, reading.clipEps());
        assertEquals(List.of(Obstacle.Kind.NOT_FLOAT, Obstacle.Kind.CARRIED_STATE), reading.obstacles().stream().map(Obstacle::kind).toList());
        assertEquals(List.of(), reading.obstacles(Engine.DL4J, false), "carried state only counts when the state is carried");
        assertEquals(List.of(Obstacle.Kind.CARRIED_STATE), reading.obstacles(Engine.DL4J, true).stream().map(Obstacle::kind).toList());
    }

    @Test
    void aBatchOfTheWrongShapeIsRefusedNamingBoth() {
        NetworkReading reading = NetworkReading.of(new DeepRnnBuilder().layers(1).hiddenUnits(4).vocabSize(6).network());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reading.checkBatch(Nd4j.zeros(DataType.FLOAT, 2, 6, 4), Nd4j.zeros(DataType.FLOAT, 2, 6, 3)));
        assertEquals("This network reads batches as features [n, 6, t] and labels [n, 6, t] (DL4J's NCW layout); this batch has "
                + "[2, 6, 4] and [2, 6, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkReading.of((MultiLayerNetwork) null));
    }
}
