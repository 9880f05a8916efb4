/**
 * Everything the notebooks' section "Data" needs to turn <i>The Time Machine</i> into minibatches:
 * fetching the book (download with checksum, or an offline mirror), d2l's preprocessing, the
 * vocabulary, and the three ways d2l cuts a corpus into training sequences (random sampling,
 * sequential partitioning, and the newer edition's overlapping windows with a validation split).
 */
package org.deeprnn.data;
