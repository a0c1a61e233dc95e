"""Statistics for 变数 (trend), 路径 (drivers) and forecasts: pure numpy/statsmodels, no Django."""
