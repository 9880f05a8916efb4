/**
 * Forecasting the regime series (notebook 4): one-step and multi-step forecasts of a trained network,
 * the baselines it must beat (the last value, and a linear autoregression on the last k values with k
 * chosen on tuning series), and their errors.
 */
package org.deeprnn.forecast;
