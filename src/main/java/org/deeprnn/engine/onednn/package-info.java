/**
 * A training engine on oneDNN's recurrent primitives: {@link org.deeprnn.engine.onednn.OneDnnGradient}
 * computes the loss and the raw gradient of one minibatch for the same stacks of {@code LSTM},
 * {@code SimpleRnn} and the project's {@code GRU} that {@code FusedRnnGradient} trains, several times
 * faster on the CPU, and the {@code Trainer} picks it first where its natives load (Linux x86-64 with
 * the {@code dnnl} preset on the class path). Every notebook that trains a stacked network through the
 * {@code Trainer} uses it: notebooks 3 (deep LSTM), 4 (the regression on the regime series), 5 (deep
 * GRU, d2l's newer edition) and 6 (the measured training advice, its dropout between layers included:
 * {@code DropoutMasks}); DOUBLE networks, masked batches and the residual graphs stay on the other engines.
 */
package org.deeprnn.engine.onednn;
