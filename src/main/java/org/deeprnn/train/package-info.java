/**
 * The training loop of every training notebook: {@link org.deeprnn.train.Trainer} trains a stack or a
 * residual graph with d2l's loss scale, global-norm clipping and state carrying, reports loss and
 * perplexity per epoch to listeners, and picks the gradient engine of package {@code engine} for the
 * network and the data; {@link org.deeprnn.train.EarlyStopping} ends a run once its validation stops
 * improving, and {@link org.deeprnn.train.Plateau} says when a run left the character-frequency plateau.
 */
package org.deeprnn.train;
