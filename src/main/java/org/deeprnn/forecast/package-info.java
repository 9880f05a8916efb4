/**
 * Forecasting the regime series (notebook 4): one-step and multi-step forecasts of a trained network,
 * the last-value baseline it must beat, and their errors.
 */
package org.deeprnn.forecast;
