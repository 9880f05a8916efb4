/**
 * The regime series of notebook 4: a seeded generator of a slow bull/bear regime with a cycle and fast
 * fluctuations, its parameters, and the CSV files it is written to and read back from with DataVec,
 * with errors that name the file and line.
 */
package org.deeprnn.series;
