/**
 * The choice of gradient engine: {@link org.deeprnn.engine.choice.EngineChoice} reads a network once and picks the
 * first engine of the order oneDNN, fused, DL4J that can train it, saying why the others cannot. It serves every
 * notebook that trains through the {@code Trainer}; their progress lines print its description.
 */
package org.deeprnn.engine.choice;
