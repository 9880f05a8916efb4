/**
 * Running experiments side by side (notebooks 3, 5 and 6): {@link org.deeprnn.experiment.Comparison}
 * trains several models and shows one table and one chart of them, {@link org.deeprnn.experiment.RunSize}
 * says whether the notebooks run at full size or in quick mode.
 */
package org.deeprnn.experiment;
