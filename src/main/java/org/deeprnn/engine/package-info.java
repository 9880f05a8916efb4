/**
 * Gradient engines: what computes the loss and gradient of one minibatch for the trainer of package
 * {@code org.deeprnn.train}. {@link org.deeprnn.engine.BatchGradient} states the contract, {@link org.deeprnn.engine.NetworkReading}
 * reads a network once and lists the {@link org.deeprnn.engine.Obstacle}s that keep each {@link org.deeprnn.engine.Engine}
 * from training it; this package holds the fused engine (the same exact gradient as DL4J's, reorganised for the CPU)
 * and DL4J's own backpropagation, the general one. It serves every notebook that trains through the {@code Trainer}
 * (notebooks 3 to 6); which engine trains what is described once, in environment.md, "Gradient engines".
 */
package org.deeprnn.engine;
