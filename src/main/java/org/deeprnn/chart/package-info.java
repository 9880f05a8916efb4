/**
 * Charts of the notebooks: XChart line charts rendered to images and PNG files, and
 * {@link org.deeprnn.chart.LiveChart}, an epoch listener that redraws its chart while a model trains.
 */
package org.deeprnn.chart;
