/**
 * Which ND4J backend runs and how it was chosen (notebook 1), so that every notebook can say on which
 * hardware, with which BLAS and how many threads its numbers were measured.
 */
package org.deeprnn.backend;
