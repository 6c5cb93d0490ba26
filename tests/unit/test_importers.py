"""The three foreign formats convert faithfully; broken files get readable errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from accord.errors import ImportFormatError
from accord.scenario.arrays import arrays_from_scenario
from accord.scenario.io import convert, detect_format, load_scenario


def test_bdm_ec_car_emissions(data_dir):
    sc = load_scenario(data_dir / "eum" / "ec_car_emissions_1994.csv")
    assert [a.id for a in sc.actors] == ["Netherlands", "Belgium", "Luxembourg", "Germany", "France",
                                         "Italy", "UK", "Ireland", "Denmark", "Greece"]
    arrays = arrays_from_scenario(sc)
    np.testing.assert_allclose(arrays.position[:, 0], [4, 7, 4, 4, 10, 10, 10, 7, 4, 7])
    np.testing.assert_allclose(arrays.salience[:, 0], [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])
    np.testing.assert_allclose(arrays.capability, [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
    assert (sc.issues[0].scale.min, sc.issues[0].scale.max) == (4, 10)
    assert "Scale 4–10 inferred" in sc.issues[0].description
    assert arrays.status_quo[0] == 7
    assert all("imported from the bdm file" in s.assumption for s in sc.stances)


def test_bdm_percent_salience_is_scaled():
    sc = convert("Actor,Capability,Position,Salience\nA,1,10,80\nB,2,90,40\n", "bdm", name="x")
    assert [s.salience.mid for s in sc.stances] == [0.8, 0.4]


def test_decide_reference_case_structure(data_dir):
    case = json.loads((data_dir / "exchange" / "reference_cases.json").read_text())
    text = case[0]["decide_csv"]
    assert detect_format(text) == "decide"
    sc = convert(text, "decide", name="ref")
    assert sc.actors[0].id == "A00" and sc.issues[0].id == "I00"
    assert (sc.issues[0].scale.min, sc.issues[0].scale.max) == (0, 100)
    assert sc.stance("A00", "I00").position.mid == 49.5
    assert sc.actor("A01").capability.mid == 0.86


def test_decide_inconsistent_power_is_an_error():
    text = ("'#A'\t'a'\t'a'\n'#P'\t'p'\t'p'\n'#P'\t'q'\t'q'\n"
            "'#D'\t'a'\t'p'\t1\t0.5\t1.0\n'#D'\t'a'\t'q'\t1\t0.5\t2.0\n")
    with pytest.raises(ImportFormatError, match="one capability"):
        convert(text, "decide")


def test_decide_unknown_actor():
    with pytest.raises(ImportFormatError, match="line 3: unknown actor 'zz'"):
        convert("'#A'\t'a'\t'a'\n'#P'\t'p'\t'p'\n'#D'\t'zz'\t'p'\t1\t0.5\t1\n", "decide")


@pytest.mark.parametrize(
    ("name", "actors", "issues"),
    [("SOE-Competitive.csv", 34, 1), ("SOE-Policy.csv", 26, 1), ("SOE-Pol-Comp.csv", 13, 2),
     ("dummyData_3Dim.csv", 7, 3)],
)
def test_ktab_files(data_dir, name, actors, issues):
    text = (data_dir / "ktab" / name).read_text()
    assert detect_format(text) == "ktab"
    sc = load_scenario(data_dir / "ktab" / name)
    assert len(sc.actors) == actors and len(sc.issues) == issues
    assert all(0 <= s.salience.mid <= 1 for s in sc.stances)


def test_ktab_values(data_dir):
    sc = load_scenario(data_dir / "ktab" / "SOE-Pol-Comp.csv")
    assert sc.actors[0].id == "XJ" and sc.actors[0].capability.mid == 100.0
    assert [i.name for i in sc.issues] == ["Policy", "Competitive"]
    assert sc.stance("XJ", sc.issues[1].id).position.mid == 20
    assert sc.stance("XJ", sc.issues[1].id).salience.mid == pytest.approx(0.48)


def test_ktab_wrong_actor_count():
    text = "Case,desc,3,1,\nActor,Description,Power,Pos,Sal,\nA,a,1,10,50,\n"
    with pytest.raises(ImportFormatError, match="announces 3 actors but the file has 1"):
        convert(text, "ktab")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Actor,Capability,Position,Salience\nA,x,1,1\n", "line 2: capability must be a number, got 'x'"),
        ("Actor,Capability,Position,Salience\nA,1,1\n", "line 2: expected 4 fields"),
        ("Actor,Capability,Position,Salience\n", "no actors"),
        ("Actor,Capability,Position,Salience\nA,1,1,1\nA,1,2,1\n", "appears twice"),
        ("Actor,Capability,Position,Salience\nA,-1,1,1\n", "capability must be at least 0"),
        ("Actor,Capability,Position,Salience\nA,1,nan,1\n", "must be finite"),
    ],
)
def test_bdm_errors(text, message):
    with pytest.raises(ImportFormatError, match=message):
        convert(text, "bdm", name="bad")


def test_unrecognised_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ImportFormatError, match="not a recognised format"):
        load_scenario(path)


def test_forced_format(tmp_path, data_dir):
    path = tmp_path / "case.txt"
    path.write_text((data_dir / "eum" / "ec_car_emissions_1994.csv").read_text())
    assert len(load_scenario(path, fmt="bdm").actors) == 10
    with pytest.raises(ImportFormatError, match="unknown import format"):
        load_scenario(path, fmt="xml")


@pytest.mark.parametrize("n_issues", [1, 2, 3])
def test_bdm_issue_column_is_read_for_any_number_of_issues(n_issues):
    lines = ["Actor,Issue,Capability,Position,Salience"]
    for k in range(n_issues):
        lines += [f"A,Issue {k},1,{10 + k},40", f"B,Issue {k},2,{90 - k},50"]
    sc = convert("\n".join(lines) + "\n", "bdm", name="many")
    assert [i.name for i in sc.issues] == [f"Issue {k}" for k in range(n_issues)]
    assert len(sc.stances) == 2 * n_issues and [a.id for a in sc.actors] == ["A", "B"]
    assert sc.stance("B", sc.issues[-1].id).position.mid == 90 - (n_issues - 1)
    assert sc.stance("B", sc.issues[0].id).salience.mid == 0.5
    assert detect_format("\n".join(lines)) == "bdm"


def test_bdm_issue_column_errors_name_the_issue():
    text = "Actor,Capability,Position,Salience,Issue\nA,1,10,0.5,x\nA,1,20,0.5,x\n"
    with pytest.raises(ImportFormatError, match="appears twice on issue 'x'"):
        convert(text, "bdm", name="t")
    text = "Actor,Capability,Position,Salience,Issue\nA,1,10,0.5,x\nA,2,20,0.5,y\n"
    with pytest.raises(ImportFormatError, match="one capability"):
        convert(text, "bdm", name="t")


def test_ktab_scales_are_the_formats_own_and_said(data_dir):
    """KTAB defines positions on 0–100 (its model divides them by 100), so that is the scale, stated."""
    sc = load_scenario(data_dir / "ktab" / "SOE-Pol-Comp.csv")
    for issue in sc.issues:
        positions = [s.position.mid for s in sc.stances if s.issue == issue.id]
        assert min(positions) > 0 or max(positions) < 100
        assert (issue.scale.min, issue.scale.max) == (0, 100)
        assert issue.description == "Scale 0–100: KTAB's position scale."


def test_import_says_how_the_scale_was_chosen(cli, data_dir):
    res = cli("import", str(data_dir / "eum" / "ec_car_emissions_1994.csv"))
    assert res.returncode == 0
    assert "Scale 4–10 inferred from the lowest and highest positions" in res.stderr
