/**
 * Text generation from a trained language model (notebook 3): d2l's predict function, warming the
 * hidden state up on a prefix with {@code rnnTimeStep} and continuing it one character at a time.
 */
package org.deeprnn.generate;
