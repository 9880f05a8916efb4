/**
 * The book and its minibatches (notebooks 2, 3, 5 and 6): The Time Machine downloaded and preprocessed
 * as d2l does, its {@link org.deeprnn.text.Vocab}, and the iterators that cut it into one-hot
 * minibatches by random sampling, sequential partitioning or random windows.
 */
package org.deeprnn.text;
