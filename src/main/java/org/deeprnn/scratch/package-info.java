/**
 * The deep RNN of the chapter's equations written out by hand (notebook 2) and the same model built layer
 * by layer in SameDiff and trained by automatic differentiation (exercise 1, notebook 5), both checked
 * against DL4J's stack.
 */
package org.deeprnn.scratch;
