/**
 * Everything the notebooks' section "Data" needs to turn <i>The Time Machine</i> into minibatches:
 * fetching the book (download with checksum, or an offline mirror), d2l's preprocessing, the
 * vocabulary, and the three ways d2l cuts a corpus into training sequences (random sampling,
 * sequential partitioning, and the newer edition's overlapping windows with a validation split).
 * For notebook 4 it also generates the multi-scale regime series ({@link org.deeprnn.data.RegimeSeries})
 * and keeps them as checked CSV files for DataVec ({@link org.deeprnn.data.RegimeSeriesFiles},
 * {@link org.deeprnn.data.SequenceCsv}).
 */
package org.deeprnn.data;
