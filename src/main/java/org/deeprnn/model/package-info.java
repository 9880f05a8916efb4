/**
 * The chapter's models (every training notebook): {@link org.deeprnn.model.DeepRnnBuilder} stacks
 * L recurrent layers under an output layer as a {@code MultiLayerConfiguration} or a residual
 * {@code ComputationGraph}, {@link org.deeprnn.model.ParameterCount} gives the parameter formulas of
 * notebook 2, and {@link org.deeprnn.model.ModelStore} saves and loads trained networks.
 */
package org.deeprnn.model;
