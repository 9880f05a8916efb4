/**
 * The book and its minibatches (notebooks 2, 3, 5 and 6): The Time Machine downloaded and preprocessed
 * as d2l does, its {@link org.deeprnn.text.Vocab}, and the iterators that cut it into one-hot
 * minibatches by random sampling, sequential partitioning or random windows; {@link org.deeprnn.text.CorpusSplit}
 * cuts it into training, tuning and test parts, and {@link org.deeprnn.text.CharacterFrequencies} is the
 * context-free model whose perplexity marks the plateau a model must leave.
 */
package org.deeprnn.text;
