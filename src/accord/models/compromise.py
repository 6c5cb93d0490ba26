"""The compromise model: the capability × salience weighted mean of positions.

Achen, C. H. (2006), "Institutional realism and bargaining models", in Thomson et al.
(eds.), *The European Union Decides*, Cambridge University Press; the "compromise
model" of van den Bos (1991) and Stokman. For each issue,

    forecast_i = Σ_a c_a s_ai x_ai / Σ_a c_a s_ai

over the actors present on the issue. It is the baseline every other model must beat.
An issue where every present actor has zero weight gets the unweighted mean; an issue
with no actor present gets NaN.
"""

from __future__ import annotations

import numpy as np

from accord.models.base import Model, ModelParams, ModelResult, register
from accord.models.weights import influence
from accord.scenario.arrays import ScenarioArrays


@register
class Compromise(Model):
    name = "compromise"
    aliases = ("weighted_mean",)
    summary = "Capability × salience weighted mean of the positions (Achen 2006)."
    citation = "Achen (2006), in Thomson et al., The European Union Decides; van den Bos (1991)."
    issues_independent = True

    def simulate(
        self, arrays: ScenarioArrays, params: ModelParams, rng: np.random.Generator, explain: bool
    ) -> ModelResult:
        w = influence(arrays)
        total = w.sum(axis=-2)
        weighted = np.where(arrays.present, arrays.position, 0.0) * w
        with np.errstate(invalid="ignore", divide="ignore"):
            forecast = np.where(total > 0, weighted.sum(axis=-2) / np.where(total > 0, total, 1.0), np.nan)
        return ModelResult(self.name, arrays.actor_ids, arrays.issue_ids, forecast)
