/**
 * Running experiments side by side (notebooks 3 to 6): {@link org.deeprnn.experiment.Comparison}
 * trains several settings, each once or once per seed, and shows one table and one chart of them;
 * {@link org.deeprnn.experiment.Spread} is one number over seeds (mean, sd, range);
 * {@link org.deeprnn.experiment.PairedDifference} sets two settings seed against seed (mean difference, 95%
 * interval, p-value) and {@link org.deeprnn.experiment.Verdict} says it in words;
 * {@link org.deeprnn.experiment.RunSize} says whether the notebooks run at full size or in quick mode.
 */
package org.deeprnn.experiment;
