"""Experiments over a scenario's uncertain inputs: Monte Carlo and sensitivity analysis."""
