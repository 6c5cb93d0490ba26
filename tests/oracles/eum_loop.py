"""The expected utility model as plain Python loops: the oracle for the vectorised model.

Written from the model's equations alone (Bueno de Mesquita 1994, "Political
forecasting: an expected utility method", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale University Press; Scholz, Calbert & Smith
2011, "Unravelling Bueno de Mesquita's group decision model", *Journal of Theoretical
Politics* 23(4)), one actor, one pair and one voter at a time, with no NumPy. It is
slow on purpose: every quantity is computed literally as the equations state it, so
that a disagreement with :mod:`accord.models.expected_utility` points at a bug in one
of the two rather than at a shared shortcut.

Conventions shared with the model (they are part of its specification, not of its
implementation): distances are divided by the range R of the starting positions and
capped at 1, and are 0 when R is 0; P is 0 (``scholz2011``) or 1/2 (``bdm1994``) when
its denominator is 0; risk exponents are 1 when every actor faces the same danger;
the forecast is the capability × salience weighted mean, or the plain mean when every
weight is 0.
"""

from __future__ import annotations

import math

NO_MOVE, CONFRONTATION, COMPROMISE, CAPITULATION = "", "confrontation", "compromise", "capitulation"


def _distance(a: float, b: float, span: float) -> float:
    if span <= 0.0:
        return 0.0
    return min(abs(a - b) / span, 1.0)


def _probabilities(x, c, s, r, span, variant):
    n = len(x)
    dist = [[_distance(x[k], x[j], span) ** r[k] for j in range(n)] for k in range(n)]

    def vote(k, i, j):
        return c[k] * s[k] * (dist[k][j] - dist[k][i])

    prob = [[0.0] * n for _ in range(n)]
    if variant == "scholz2011":
        total = 0.0
        for k in range(n):
            for a in range(n):
                for b in range(n):
                    total += abs(vote(k, a, b))
        for i in range(n):
            for j in range(n):
                if i == j or total <= 0.0:
                    continue
                prob[i][j] = sum(max(0.0, vote(k, i, j)) for k in range(n)) / total
    else:
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                pos = sum(max(0.0, vote(k, i, j)) for k in range(n))
                tot = sum(abs(vote(k, i, j)) for k in range(n))
                prob[i][j] = pos / tot if tot > 0.0 else 0.5
    return prob


def _expected_utility(h, i, j, x, s, r, prob, span):
    """EU of ``i`` challenging ``j`` as actor ``h`` sees it."""
    d = _distance(x[i], x[j], span)
    rh = r[h]
    u_success = 2.0 - 4.0 * max(0.0, 0.5 - 0.5 * d) ** rh
    u_failure = 2.0 - 4.0 * (0.5 + 0.5 * d) ** rh
    u_status_quo = 2.0 - 4.0 * 0.5**rh
    p = prob[i][j]
    return s[j] * (p * u_success + (1.0 - p) * u_failure) + (1.0 - s[j]) * u_success - u_status_quo


def _risk(x, c, s, span, variant):
    n = len(x)
    ones = [1.0] * n
    prob = _probabilities(x, c, s, ones, span, variant)
    danger = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += _expected_utility(i, j, i, x, s, ones, prob, span)
        danger.append(total)
    hi, lo = max(danger), min(danger)
    if hi == lo:
        return ones
    out = []
    for i in range(n):
        rel = (2.0 * danger[i] - hi - lo) / (hi - lo)
        out.append((1.0 - rel / 3.0) / (1.0 + rel / 3.0))
    return out


def one_round(x, c, s, span, variant="scholz2011"):
    """One round on one issue.

    Parameters
    ----------
    x, c, s : list of float
        Positions, capabilities and saliences of the actors present on the issue.
    span : float
        Range of the starting positions.
    variant : {"scholz2011", "bdm1994"}

    Returns
    -------
    list of (str, int or None, float)
        Per actor: the kind of offer taken ("" for none), the actor it came from and
        the new position.
    """
    n = len(x)
    r = _risk(x, c, s, span, variant)
    prob = _probabilities(x, c, s, r, span, variant)
    moves = []
    for i in range(n):
        offers = {CONFRONTATION: [], COMPROMISE: [], CAPITULATION: []}
        for j in range(n):
            if j == i or x[j] == x[i]:
                continue
            a = _expected_utility(i, i, j, x, s, r, prob, span)
            b = _expected_utility(i, j, i, x, s, r, prob, span)
            if b > a and a > 0.0:
                new = x[j]
                key = abs(x[j] - x[i])
                offers[CONFRONTATION].append((key, j, new))
            elif b > 0.0 and a < 0.0 and b > abs(a):
                new = x[i] + (x[j] - x[i]) * abs(a / b)
                if variant == "scholz2011":
                    key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                else:
                    key = abs(new - x[i])
                offers[COMPROMISE].append((key, j, new))
            elif variant == "scholz2011" and b > 0.0 and a < 0.0 and b < abs(b):
                offers[CAPITULATION].append((abs(x[j] - x[i]), j, x[j]))
            elif variant == "bdm1994" and b > 0.0 and a < 0.0 and b < abs(a):
                offers[CAPITULATION].append((abs(x[j] - x[i]), j, x[j]))
        chosen = (NO_MOVE, None, x[i])
        for kind in (CONFRONTATION, COMPROMISE, CAPITULATION):
            if offers[kind]:
                best = offers[kind][0]
                for offer in offers[kind][1:]:
                    if offer[0] < best[0]:
                        best = offer
                chosen = (kind, best[1], best[2])
                break
        moves.append(chosen)
    return moves


def weighted_mean(x, c, s):
    weights = [ck * sk for ck, sk in zip(c, s, strict=True)]
    total = sum(weights)
    if not x:
        return math.nan
    if total <= 0.0:
        return sum(x) / len(x)
    return sum(w * xi for w, xi in zip(weights, x, strict=True)) / total


def run_issue(x, c, s, rounds, variant="scholz2011"):
    """Run the model on one issue.

    Parameters
    ----------
    x, c, s : list of float
        Starting positions, capabilities and saliences of the actors present.
    rounds : int
    variant : {"scholz2011", "bdm1994"}

    Returns
    -------
    positions : list of list of float
        ``positions[t][a]``: actor ``a``'s position after round ``t + 1``.
    forecasts : list of float
        The weighted mean after each round.
    moves : list of list of (str, int or None, float)
        The offer each actor took in each round (see :func:`one_round`).
    """
    x = [float(v) for v in x]
    span = max(x) - min(x) if x else 0.0
    positions, forecasts, moves = [], [], []
    for _ in range(rounds):
        step = one_round(x, c, s, span, variant)
        x = [new for _, _, new in step]
        positions.append(list(x))
        forecasts.append(weighted_mean(x, c, s))
        moves.append(step)
    return positions, forecasts, moves


def run_arrays(position, salience, capability, present, rounds, variant="scholz2011"):
    """Run the model on every draw and issue of array-shaped inputs.

    Parameters
    ----------
    position, salience : array-like, shape (D, A, I)
    capability : array-like, shape (D, A)
    present : array-like of bool, shape (A, I)
    rounds : int
    variant : {"scholz2011", "bdm1994"}

    Returns
    -------
    rounds_out : list, shape (D, R, A, I)
        Positions after each round, NaN where absent.
    trajectory : list, shape (D, R, I)
    """
    n_draws, n_actors, n_issues = len(position), len(present), len(present[0]) if len(present) else 0
    out = [[[[math.nan] * n_issues for _ in range(n_actors)] for _ in range(rounds)] for _ in range(n_draws)]
    traj = [[[math.nan] * n_issues for _ in range(rounds)] for _ in range(n_draws)]
    for d in range(n_draws):
        for i in range(n_issues):
            who = [a for a in range(n_actors) if present[a][i]]
            x = [float(position[d][a][i]) for a in who]
            c = [float(capability[d][a]) for a in who]
            s = [float(salience[d][a][i]) for a in who]
            positions, forecasts, _ = run_issue(x, c, s, rounds, variant)
            for t in range(rounds):
                traj[d][t][i] = forecasts[t]
                for slot, a in enumerate(who):
                    out[d][t][a][i] = positions[t][slot]
    return out, traj
