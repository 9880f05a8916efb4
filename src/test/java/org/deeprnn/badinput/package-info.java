/**
 * The bad-input harness of {@code tools/bad-inputs.sh}: each case feeds the library one wrong input and
 * the outcome is classified mechanically (clear error, correct, unclear, silent, crash) from the words
 * its message must hold, so that one round can be compared with the next.
 */
package org.deeprnn.badinput;
