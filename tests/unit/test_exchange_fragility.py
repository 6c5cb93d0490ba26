"""The exchange model reports the knife-edge decisions its forecast rests on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from accord.models.exchange import Exchange
from regression.test_exchange_golden import decide_arrays

CASE = Path(__file__).resolve().parents[1] / "data" / "exchange" / "knife_edge_case.csv"


def test_knife_edge_decisions_are_listed_and_their_weight_measured():
    arrays = decide_arrays(CASE.read_text())
    plain = Exchange().run(arrays, {"iterations": 10})
    checked = Exchange().run(arrays, {"iterations": 10, "fragility_runs": 4})
    # the check never changes the forecast itself
    np.testing.assert_array_equal(plain.forecast, checked.forecast)
    f = checked.fragility
    first = f["decisions"][0]
    assert (first["round"], first["kind"], first["issues"][1]) == (3, "edge", "I03")
    assert f["edge_decisions"] == len(plain.fragility["decisions"]) >= 1
    assert f["other_way"] and f["runs"] == 4
    low, high = np.array(f["low"]), np.array(f["high"])
    assert np.all(low <= checked.forecast + 1e-12) and np.all(checked.forecast <= high + 1e-12)
    i03 = arrays.issue_ids.index("I03")
    assert high[i03] - low[i03] > 0.5
    assert f["parted_in_round"][i03] == 3
    words = [n["text"] for n in f["notes"] if n["kind"] == "fragility" and n["issue"] == "I03"]
    assert words and words[0].startswith("this forecast depends on a knife-edge decision in round 3: outcomes range")
    # without reruns the decisions are still listed, and nothing is measured
    assert not plain.fragility["other_way"] and plain.fragility["low"] == plain.fragility["high"]


def test_batches_carry_no_fragility_report():
    arrays = decide_arrays(CASE.read_text())
    from accord.scenario.arrays import ScenarioArrays

    batch = Exchange().run(ScenarioArrays.stack([arrays, arrays]), {"iterations": 3, "fragility_runs": 4})
    assert batch.fragility is None
