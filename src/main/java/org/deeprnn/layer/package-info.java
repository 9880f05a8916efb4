/**
 * The GRU layer that DL4J 1.0.0-M2.1 lacks, for the deep GRUs of notebooks 5 and 6:
 * {@link org.deeprnn.layer.GRU} (configuration, stacked like DL4J's {@code LSTM} and
 * {@code SimpleRnn}), {@link org.deeprnn.layer.GRULayer} (forward pass and backpropagation through
 * time, hidden state for {@code rnnTimeStep} and truncated BPTT) and
 * {@link org.deeprnn.layer.GRUParamInitializer} (parameter layout and initialisation). With
 * {@code layerNorm(true)} the same layer normalises its gate products (Ba et al. 2016; the
 * normalisation and its derivative in {@code GateNorm}), the layer-normalised recurrent layer DL4J's
 * own {@code SimpleRnn} option cannot provide in this version (notebook 6).
 */
package org.deeprnn.layer;
