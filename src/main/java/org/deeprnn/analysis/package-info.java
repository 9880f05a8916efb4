/**
 * Looking inside trained recurrent networks (notebook 4, "A look inside"): collecting the
 * hidden states of every layer over a set of sequences, and measuring with linear probes and unit
 * correlations how much of a known hidden quantity (a slow regime, a fast component) each layer
 * holds.
 */
package org.deeprnn.analysis;
