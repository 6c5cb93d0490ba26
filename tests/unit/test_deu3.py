"""The DEU III loader: what it keeps and excludes, dates, capabilities, both ways to build scenarios."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from accord.backtest.deu3 import (
    ACTORS,
    capabilities,
    capability_note,
    group_arrays,
    group_scenario,
    groups,
    issue_scenario,
    load_deu3,
    parse_date,
    proposal_scenario,
    read_deu3,
)
from accord.errors import ImportFormatError
from accord.scenario.arrays import arrays_from_scenario

HEADER = ["prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc", "counvte", "proccde",
          "issues", "intro", "finact", *(f"p{a}" for a in ACTORS), *(f"s{a}" for a in ACTORS), "rp", "out"]


def deu3_text(*issues: dict[str, str], gdp: bool = True) -> str:
    """A small file in the DEU III layout; each issue maps column names to cells."""
    lines = ["\t".join(f'"{h}"' for h in HEADER)]
    if gdp:
        lines.append("\t".join("1" if h.startswith("p") and h[1:] in ACTORS else "" for h in HEADER))
    for k, issue in enumerate(issues):
        base = {"prnr": "d01001", "prname": "test", "isnr": f"d01001i{k + 1}", "proc": "COD",
                "counvte": "QMV", "intro": "01-02-01", "finact": "999"}
        cells = {**base, **issue}
        lines.append("\t".join(cells.get(h, "") for h in HEADER))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def deu3():
    return load_deu3()


def test_counts_and_exclusions(deu3):
    assert deu3.n_issues == 353
    assert len(deu3.proposals) == 136
    assert len(deu3.excluded) == 11
    assert {e[0] for e in deu3.excluded} >= {"d95341i2", "d05127i1", "d160397i3"}
    assert all(reason == "no outcome recorded" for _, _, reason in deu3.excluded)
    assert deu3.n_issues + len(deu3.excluded) == 364
    assert set(deu3.procedure) == {"COD", "CNS"}
    assert set(deu3.voting_rule) == {"QMV", "QMV(10)", "Unan"}
    assert np.all((deu3.outcome >= 0) & (deu3.outcome <= 100))


def test_gdp_row_is_not_an_issue(deu3):
    assert deu3.issue_ids[0] == "d00032i1"
    assert deu3.gdp is not None
    gdp = dict(zip(ACTORS, deu3.gdp, strict=True))
    assert gdp["com"] == gdp["ep"] == gdp["de"] == 4.1 and gdp["fr"] == 2.8 and gdp["mt"] == 0.02


def test_an_actor_takes_part_only_with_position_and_salience(deu3):
    k = deu3.issue_ids.index("d00032i1")
    assert not deu3.present[k, ACTORS.index("bu")]
    k = deu3.issue_ids.index("d05246i2")
    for actor in ("ie", "mt"):
        assert not deu3.present[k, ACTORS.index(actor)]
    assert np.isnan(deu3.position[~deu3.present]).all()
    assert (deu3.salience[~deu3.present] == 0).all()
    assert deu3.salience.max() <= 1.0
    assert deu3.position[deu3.present].min() >= 0 and deu3.position[deu3.present].max() <= 100


@pytest.mark.parametrize("text, expected", [
    ("26-01-00", dt.date(2000, 1, 26)),
    ("13-03-96", dt.date(1996, 3, 13)),
    ("14-12-1999", dt.date(1999, 12, 14)),
    ("2029-09-04", dt.date(2004, 9, 29)),
    ("1930-05-01", dt.date(2001, 5, 30)),
    ("2017-04-18", dt.date(2018, 4, 17)),
    ("999", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_date_rejects_other_text():
    with pytest.raises(ValueError):
        parse_date("January 2001")


def test_dates_of_the_data_agree_with_proposal_numbers(deu3):
    for pid, intro in zip(deu3.proposal_ids, deu3.introduced, strict=True):
        assert intro is not None
        year = int(pid[1:3])
        assert intro.year % 100 in (year, year + 1)


def test_out_of_range_outcome_is_excluded_with_reason():
    text = deu3_text({"pcom": "100", "scom": "50", "out": "100"}, {"pcom": "0", "scom": "50", "out": "120"},
                     {"pcom": "0", "scom": "50"})
    data = read_deu3(text)
    assert data.issue_ids == ("d01001i1",)
    assert [e[2] for e in data.excluded] == ["outcome 120 outside [0, 100]", "no outcome recorded"]


def test_positions_without_salience_are_counted_and_left_out(deu3):
    assert len(deu3.missing_salience) == 54
    for issue, actor in deu3.missing_salience:
        assert not deu3.present[deu3.issue_ids.index(issue), ACTORS.index(actor)]
    data = read_deu3(deu3_text({"pcom": "100", "scom": "50", "pep": "20", "pde": "0", "sde": "80", "out": "60"}))
    assert data.missing_salience == (("d01001i1", "ep"),)
    assert data.present[0, ACTORS.index("com")] and not data.present[0, ACTORS.index("ep")]


def test_proposal_is_taken_from_the_issue_id():
    data = read_deu3(deu3_text({"pcom": "100", "scom": "50", "out": "60", "prnr": "a01001"},
                               {"pcom": "0", "scom": "50", "out": "10"},
                               {"pcom": "0", "scom": "50", "prnr": "a01001"}))
    assert data.proposal_ids == ("d01001", "d01001") and data.proposals == ("d01001",)
    assert data.corrections == (("d01001i1", "a01001", "d01001"),)
    assert data.excluded == (("d01001i3", "d01001", "no outcome recorded"),)


def test_reference_fill_is_the_most_common_recorded_reference_point():
    data = read_deu3(deu3_text(*({"pcom": "10", "scom": "50", "out": "60", "rp": rp}
                                 for rp in ("100", "", "30", "100", "30", ""))))
    assert data.reference_fill == 30.0
    np.testing.assert_array_equal(data.status_quo, [100, 30, 30, 100, 30, 30])
    none = read_deu3(deu3_text({"pcom": "10", "scom": "50", "out": "60"}))
    assert np.isnan(none.reference_fill)
    assert group_arrays(none, [0], capabilities(none, "equal")).status_quo[0] == 50.0


def test_capability_notes_say_what_the_institutions_get(deu3):
    gdp = capability_note(deu3, "gdp")
    assert "mean member state's GDP (0.699)" in gdp and "4.1" in gdp and "not used" in gdp
    assert "mean member state's power (1)" in capability_note(deu3, "council_votes")
    assert "adoption" in capability_note(deu3, "council_votes")
    assert "training folds only" in capability_note(deu3, "calibrated")


def test_file_without_gdp_row():
    data = read_deu3(deu3_text({"pcom": "100", "scom": "50", "out": "60"}, gdp=False))
    assert data.gdp is None and data.n_issues == 1
    with pytest.raises(ImportFormatError, match="no GDP row"):
        capabilities(data, "gdp")


@pytest.mark.parametrize("cells, message", [
    ({"pcom": "abc", "scom": "50", "out": "1"}, r"line 3, column pcom: expected a number, got 'abc'"),
    ({"pcom": "150", "scom": "50", "out": "1"}, r"line 3, column pcom: must be between 0 and 100, got 150"),
    ({"pcom": "10", "scom": "50", "out": "1", "intro": "soon"}, r"line 3, column intro: not a DEU III date"),
])
def test_bad_cells_name_line_and_column(cells, message):
    with pytest.raises(ImportFormatError, match=message):
        read_deu3(deu3_text(cells))


def test_missing_columns_are_named():
    with pytest.raises(ImportFormatError, match="missing columns: .*pep"):
        read_deu3("prnr\tisnr\tpcom\n")


def test_missing_file_is_a_readable_error(tmp_path):
    with pytest.raises(ImportFormatError, match="not found"):
        load_deu3(tmp_path / "nope.csv")


@pytest.mark.parametrize("kind", ["equal", "gdp", "council_votes"])
def test_direct_arrays_equal_the_scenario_path(deu3, kind):
    cap = capabilities(deu3, kind)
    for idx in groups(deu3, cap)[::3]:
        direct = group_arrays(deu3, idx, cap)
        via = arrays_from_scenario(group_scenario(deu3, idx, cap))
        assert direct.actor_ids == via.actor_ids and direct.issue_ids == via.issue_ids
        for name in ("position", "salience", "capability", "present", "scale_min", "scale_max", "status_quo"):
            np.testing.assert_array_equal(getattr(direct, name), getattr(via, name), err_msg=name)


def test_issue_and_proposal_scenarios(deu3):
    sc = proposal_scenario(deu3, "d00032")
    assert [i.id for i in sc.issues] == ["d00032i1", "d00032i2", "d00032i3", "d00032i4"]
    assert np.isnan(deu3.reference[1])
    assert sc.issues[0].status_quo == 0 and sc.issues[1].status_quo == deu3.reference_fill == 0.0
    assert sc.as_of == dt.date(2000, 1, 26)
    one = issue_scenario(deu3, "d00032i1", "council_votes")
    assert {a.id for a in one.actors} == {ACTORS[a] for a in np.flatnonzero(deu3.present[0])}
    assert one.actor("com").capability.mid == 1.0
    assert one.actor("de").capability.mid > one.actor("lu").capability.mid
    with pytest.raises(KeyError):
        proposal_scenario(deu3, "x00000")


def test_capabilities(deu3):
    assert (capabilities(deu3, "equal") == 1).all()
    gdp = capabilities(deu3, "gdp")
    assert (gdp[:, 2:] == deu3.gdp[2:]).all()
    mean_state = deu3.gdp[2:].mean()
    assert mean_state == pytest.approx(0.6993, abs=1e-4)
    assert (gdp[:, :2] == mean_state).all() and not (gdp[:, :2] == 4.1).any()
    half = capabilities(deu3, "calibrated", alpha=0.5)
    np.testing.assert_allclose(half[:, 2:], np.sqrt(deu3.gdp[2:]) + 0 * half[:, 2:])
    np.testing.assert_allclose(half[:, :2], np.sqrt(deu3.gdp[2:]).mean())
    assert (capabilities(deu3, "calibrated", alpha=0.0) == 1).all()
    with pytest.raises(ValueError, match="alpha"):
        capabilities(deu3, "calibrated")
    with pytest.raises(ValueError, match="capability must be one of"):
        capabilities(deu3, "population")  # type: ignore[arg-type]


def test_council_votes_capability(deu3):
    cap = capabilities(deu3, "council_votes")
    com, ep, de, lu, ro = (ACTORS.index(a) for a in ("com", "ep", "de", "lu", "ro"))
    assert (cap[:, com] == 1).all() and (cap[:, ep] == 1).all()
    qmv = np.array([r == "QMV" for r in deu3.voting_rule])
    assert (cap[qmv, de] > cap[qmv, lu]).all()
    unan = np.flatnonzero([r == "Unan" for r in deu3.voting_rule])
    assert unan.size and all(set(cap[k][cap[k] > 0]) == {1.0} for k in unan)
    intro = capabilities(deu3, "council_votes", council_date="introduction")
    eu15 = np.array([d < dt.date(2004, 5, 1) for d in deu3.introduced])
    members = intro[eu15][:, 2:] > 0
    assert (members.sum(axis=1) == 15).all()
    eu15_at_adoption = np.array([(a or i) < dt.date(2004, 5, 1) for a, i in zip(deu3.adopted, deu3.introduced,
                                                                                  strict=True)])
    assert ((cap[eu15_at_adoption][:, 2:] > 0).sum(axis=1) == 15).all()


def test_council_rule_in_force_at_adoption_is_the_default(deu3):
    """Bulgaria and Romania joined on 1 January 2007: a 2005 proposal adopted in December 2007 counts them."""
    bu, ro = ACTORS.index("bu"), ACTORS.index("ro")
    k = deu3.issue_ids.index("d05245i1")
    assert deu3.introduced[k] == dt.date(2005, 12, 1) and deu3.adopted[k] == dt.date(2007, 12, 5)
    assert deu3.present[k, bu] and deu3.present[k, ro]
    default = capabilities(deu3, "council_votes")
    intro = capabilities(deu3, "council_votes", council_date="introduction")
    np.testing.assert_array_equal(default, capabilities(deu3, "council_votes", council_date="adoption"))
    assert default[k, bu] > 0 and default[k, ro] > 0
    assert intro[k, bu] == 0 and intro[k, ro] == 0
    # no state that takes part in an issue is left without power under the default ...
    assert not (deu3.present & (default == 0)).any()
    # ... while the introduction date gave 65 such actor-issue pairs in 32 issues
    zero = deu3.present & (intro == 0)
    assert (zero.sum(), zero.any(axis=1).sum()) == (65, 32)


def test_groups_split_a_proposal_whose_capabilities_differ(deu3):
    cap = capabilities(deu3, "equal")
    by_proposal = groups(deu3, cap)
    assert len(by_proposal) == 136 and sum(len(g) for g in by_proposal) == 353
    assert len(groups(deu3, cap, "issue")) == 353
    cap[1, 0] = 2.0
    split = groups(deu3, cap)
    assert len(split) == 137
    with pytest.raises(ValueError, match="share their capabilities"):
        group_arrays(deu3, [0, 1], cap)
    with pytest.raises(ValueError, match="grouping"):
        groups(deu3, cap, "council")  # type: ignore[arg-type]


def test_subsets(deu3):
    first = deu3.first_proposals(3)
    assert first.proposals == deu3.proposals[:3]
    assert first.n_issues == 4 + 2 + 3
    assert first.excluded == ()
    np.testing.assert_array_equal(first.position, deu3.position[:9])
    assert not first.position.flags.writeable
