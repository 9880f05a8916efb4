/**
 * The training loop of every training notebook: {@link org.deeprnn.train.Trainer} trains a stack or a
 * residual graph with d2l's loss scale, global-norm clipping and state carrying, reports loss and
 * perplexity per epoch to listeners, and trains with the gradient engine that
 * {@code org.deeprnn.engine.choice.EngineChoice} picks for the network and the data.
 */
package org.deeprnn.train;
