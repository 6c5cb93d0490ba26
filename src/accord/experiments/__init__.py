"""Experiments on a scenario's uncertain inputs: Monte Carlo and sensitivity analysis.

Modules
    :mod:`~accord.experiments.factors` (the uncertain inputs, distributions, noise),
    :mod:`~accord.experiments.sampling` (reproducible draws by block),
    :mod:`~accord.experiments.evaluate` (one plan and chunk for every experiment),
    :mod:`~accord.experiments.executors` (who runs the chunks: this process or Dask),
    :mod:`~accord.experiments.montecarlo` (:func:`monte_carlo`),
    :mod:`~accord.experiments.sensitivity` (Sobol and Morris, one module per method).
"""
