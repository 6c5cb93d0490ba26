"""Global sensitivity analysis: which judgements matter (see :mod:`.analyse`).

Modules: :mod:`.design` (factors, groups, the SALib problem, tornado rows),
:mod:`.sobol` and :mod:`.morris` (one module per method), :mod:`.analyse` (the study).
"""

from accord.experiments.sensitivity.analyse import (
    METHODS,
    SensitivityResult,
    SensitivityRow,
    sensitivity,
    sensitivity_many,
)
from accord.experiments.sensitivity.design import GROUPS, Method

__all__ = ["GROUPS", "METHODS", "Method", "SensitivityResult", "SensitivityRow", "sensitivity", "sensitivity_many"]
