/**
 * Charts of the notebooks: XChart line charts (with bands for the spread over seeds) rendered to
 * images and PNG files, with baselines drawn across them and tick labels of one precision,
 * {@link org.deeprnn.chart.ChartGrid} for small multiples with one colour per setting, and
 * {@link org.deeprnn.chart.LiveChart}, an epoch listener that redraws its chart while a model trains.
 */
package org.deeprnn.chart;
