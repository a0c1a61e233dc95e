"""Pure statistics for the risk app: trends, drivers and forecasts of case counts (no Django)."""
