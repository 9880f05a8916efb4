/**
 * Charts of the notebooks: XChart line charts (with bands for the spread over seeds) rendered to
 * images and PNG files, {@link org.deeprnn.chart.ChartGrid} for small multiples, and
 * {@link org.deeprnn.chart.LiveChart}, an epoch listener that redraws its chart while a model trains. It serves every
 * notebook that draws a chart.
 */
package org.deeprnn.chart;
