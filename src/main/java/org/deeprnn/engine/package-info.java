/**
 * Gradient engines: what computes the loss and gradient of one minibatch for the
 * trainer of package {@code org.deeprnn.train}. {@link org.deeprnn.engine.BatchGradient} states the contract:
 * which gradient each engine computes, and when the trainer chooses it; the fused engine is the fast
 * exact path of the chapter's stacks, DL4J's own backpropagation the general one.
 */
package org.deeprnn.engine;
