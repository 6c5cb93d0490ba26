"""Council voting power: exact swing counts against brute force, known values, the rules by date."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest

from accord.backtest.voting_power import (
    COUNCIL_RULES,
    EU28,
    QuotaGame,
    council_game,
    council_power,
    council_rule,
    double_majority_game,
    population,
    population_years,
    power_index,
    swing_counts,
    unanimity_game,
    weighted_game,
    weighted_votes,
)


def brute_force(game: QuotaGame) -> tuple[np.ndarray, np.ndarray]:
    """Normalised Banzhaf and Shapley-Shubik by enumerating every coalition."""
    n = game.n
    bz = np.zeros(n)
    ss = np.zeros(n)
    for size in range(n):
        weight = math.factorial(size) * math.factorial(n - 1 - size) / math.factorial(n)
        for coalition in itertools.combinations(range(n), size):
            members = {game.players[k] for k in coalition}
            if game.wins(members):
                continue
            for k in set(range(n)) - set(coalition):
                if game.wins(members | {game.players[k]}):
                    bz[k] += 1
                    ss[k] += weight
    return bz / bz.sum(), ss / ss.sum()


def test_eec_1958_luxembourg_is_a_dummy():
    game = weighted_game(("fr", "de", "it", "be", "nl", "lu"), (4, 4, 4, 2, 2, 1), 12)
    assert power_index(game) == pytest.approx([5 / 21] * 3 + [3 / 21] * 2 + [0.0])
    assert power_index(game, "shapley_shubik") == pytest.approx([14 / 60] * 3 + [9 / 60] * 2 + [0.0])


@pytest.mark.parametrize("seed", range(12))
def test_double_majority_games_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 10))
    players = tuple(f"p{k}" for k in range(n))
    game = double_majority_game(players, tuple(int(v) for v in rng.integers(0, 10**7, n)),
                                min_members=int(rng.integers(0, n)), blocking_members=int(rng.integers(1, 5)))
    bz, ss = brute_force(game)
    assert power_index(game) == pytest.approx(bz, abs=1e-12)
    assert power_index(game, "shapley_shubik") == pytest.approx(ss, abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_weighted_games_with_member_quota_equal_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 11))
    votes = tuple(int(v) for v in rng.integers(0, 30, n))
    game = weighted_game(tuple(f"p{k}" for k in range(n)), votes, int(rng.integers(1, sum(votes) + 2)),
                         min_members=int(rng.integers(0, n + 1)))
    if swing_counts(game).sum() == 0:
        assert not power_index(game).any()
        return
    bz, ss = brute_force(game)
    assert power_index(game) == pytest.approx(bz, abs=1e-12)
    assert power_index(game, "shapley_shubik") == pytest.approx(ss, abs=1e-12)


def test_eu15_matches_brute_force():
    game = council_game(dt.date(1999, 1, 1))
    bz, _ = brute_force(game)
    power = dict(zip(game.players, power_index(game), strict=True))
    assert list(power.values()) == pytest.approx(bz, abs=1e-12)
    assert power["de"] == pytest.approx(0.1116, abs=5e-5)
    assert power["lu"] == pytest.approx(0.0226, abs=5e-5)


def test_unanimity_gives_everyone_the_same_power():
    assert power_index(unanimity_game(EU28)) == pytest.approx(np.full(28, 1 / 28))
    assert list(council_power(dt.date(2010, 5, 1), "Unan").values()) == pytest.approx([1.0] * 27)


def test_swing_counts_by_size_add_up_to_banzhaf_raw_counts():
    game = council_game(dt.date(2005, 6, 1))
    counts = swing_counts(game)
    assert counts.shape == (25, 25)
    assert counts.sum(axis=1) == pytest.approx(power_index(game) * counts.sum())


@pytest.mark.parametrize("column, total, members",
                         [("eu15", 87, 15), ("accession2004", 124, 25), ("nice", 352, 28)])
def test_weighted_vote_totals(column, total, members):
    votes = weighted_votes(column)
    assert len(votes) == members and sum(votes.values()) == total


def test_nice_totals_per_enlargement():
    nice = weighted_votes("nice")
    for rule, total in zip(COUNCIL_RULES[2:5], (321, 345, 352), strict=True):
        assert sum(nice[m] for m in rule.members) == total


def test_rules_cover_the_period_without_gaps():
    for before, after in itertools.pairwise(COUNCIL_RULES):
        assert after.start == before.end + dt.timedelta(days=1)
    assert council_rule(dt.date(2004, 4, 30)).name == "EU-15 weighted votes"
    assert council_rule(dt.date(2004, 5, 1)).name.startswith("EU-25 transitional")
    assert council_rule(dt.date(2014, 11, 1)).kind == "double_majority"
    with pytest.raises(ValueError, match="no Council voting rule"):
        council_rule(dt.date(1990, 1, 1))


def test_double_majority_thresholds():
    game = council_game(dt.date(2016, 3, 1))
    pop = population(2015)
    assert game.values == tuple(pop[m] for m in EU28)
    total = sum(pop.values())
    assert game.quota[15] is None and game.quota[16] == math.ceil(0.65 * total)
    assert game.quota[24] == math.ceil(0.65 * total) and game.quota[25] == 0
    assert game.wins(set(EU28[:25]))
    without_big = set(EU28) - {"de", "fr", "it", "uk"}
    assert len(without_big) == 24 and not game.wins(without_big)


def test_double_majority_power_is_monotone_in_population():
    game = council_game(dt.date(2017, 1, 1))
    power = power_index(game)
    order = np.argsort(game.values, kind="stable")
    assert np.all(np.diff(power[order]) >= -1e-15)


def test_population_table_matches_eurostat_totals():
    assert population_years() == (2013, 2014, 2015, 2016, 2017)
    assert sum(population(2015).values()) == 508_540_103
    assert population(2030) == population(2017)
    with pytest.raises(ValueError):
        population(2000)


def test_council_power_is_relative_to_the_mean_member():
    power = council_power(dt.date(2008, 1, 1))
    assert len(power) == 27
    assert np.mean(list(power.values())) == pytest.approx(1.0)
    assert power["de"] == power["fr"] > power["ro"] > power["mt"] > 0


def test_qmv10_needs_ten_members():
    game = council_game(dt.date(1999, 9, 8), "QMV(10)")
    assert game.quota[9] is None and game.quota[10] == 62
    with pytest.raises(ValueError, match="voting rule"):
        council_game(dt.date(1999, 9, 8), "majority")
