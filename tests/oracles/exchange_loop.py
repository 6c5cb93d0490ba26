"""The exchange model as plain Python loops: the oracle for the vectorised model.

Written from the model's equations (Stokman & Van Oosten 1994, "The exchange of voting
positions: an object-oriented model of policy networks", in Bueno de Mesquita &
Stokman (eds.), *European Community Decision Making*, Yale University Press) and the
conventions of the Decide model (decide-exchange-model 2025.3.1), one exchange at a
time, with no NumPy. Every candidate exchange keeps its own copy of the state the
Decide model keeps per exchange: the positions of the two actors on their supply
issues, the list of moves each has made, and the positions of third actors that
executed exchanges have revealed on each issue. The vectorised model shares that last
piece of state between candidates; this oracle deliberately does not, so that the two
agree only if the sharing is sound.

Positions are on a 0–100 scale inside; inputs and outputs are on each issue's scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

EPS_MOVE = 1e-10
EPS_GAIN = 1e-10
TIE = 1e-12
AT_TARGET = 1e-9
BOUND = 1e-9


@dataclass
class Side:
    actor: int
    supply: int
    demand: int
    start: float
    pos: float
    demand_pos: float
    moves: list[float] = field(default_factory=list)
    move: float = 0.0
    y: float = 0.0
    gain: float = 0.0


@dataclass
class Candidate:
    index: int
    x: Side
    y: Side
    rate: float | None = None
    gain: float = 0.0
    valid: bool = True
    updates: dict[int, dict[int, float]] = field(default_factory=dict)


class Oracle:
    """One run of the model on one scenario (no draw axis)."""

    def __init__(self, position, salience, capability, present, scale_min, scale_max, *, iterations=10,
                 randomized_value=0.0, random_rate=False, salience_weight=0.4, fixed_weight=0.1, rng=None,
                 actor_ids=None, issue_ids=None):
        self.n_actors = len(position)
        self.n_issues = len(position[0]) if self.n_actors else 0
        self.present = [[bool(present[a][k]) for k in range(self.n_issues)] for a in range(self.n_actors)]
        self.lo = [float(v) for v in scale_min]
        self.hi = [float(v) for v in scale_max]
        self.s = [[float(salience[a][k]) if self.present[a][k] else 0.0 for k in range(self.n_issues)]
                  for a in range(self.n_actors)]
        self.c = [float(v) for v in capability]
        self.x = [[self._norm(k, float(position[a][k])) if self.present[a][k] else math.nan
                   for k in range(self.n_issues)] for a in range(self.n_actors)]
        self.iterations = iterations
        self.p = float(randomized_value)
        self.random_rate = random_rate
        self.sw = salience_weight
        self.fw = fixed_weight
        self.rng = rng
        default = [f"{a:06d}" for a in range(max(self.n_actors, self.n_issues))]
        self.actor_ids = list(actor_ids) if actor_ids is not None else default[:self.n_actors]
        self.issue_ids = list(issue_ids) if issue_ids is not None else default[:self.n_issues]

    def _norm(self, k, v):
        span = self.hi[k] - self.lo[k]
        return (v - self.lo[k]) * (100.0 / span) if span > 0 else 0.0

    def _denorm(self, k, v):
        span = self.hi[k] - self.lo[k]
        return v * (span / 100.0) + self.lo[k] if span > 0 else self.lo[k]

    def weight(self, a, k):
        return self.s[a][k] * self.c[a] if self.present[a][k] else 0.0

    def outcome(self, x):
        out = []
        for k in range(self.n_issues):
            who = [a for a in range(self.n_actors) if self.present[a][k]]
            if not who:
                out.append(math.nan)
                continue
            total = sum(self.weight(a, k) for a in who)
            if total > 0:
                out.append(sum(self.weight(a, k) * x[a][k] for a in who) / total)
            else:
                out.append(sum(x[a][k] for a in who) / len(who))
        return out

    # ----- the state one candidate exchange sees -----------------------------------------

    def total(self, k):
        return sum(self.weight(a, k) for a in range(self.n_actors))

    def adjusted_nbs(self, c: Candidate, side: Side, position: float) -> float:
        k = side.supply
        xs = [self.x0[a][k] for a in range(self.n_actors)]
        for a, v in c.updates.get(k, {}).items():
            xs[a] = v
        xs[side.actor] = position
        num = sum(self.weight(a, k) * xs[a] for a in range(self.n_actors) if self.present[a][k])
        return num / self.total(k)

    def move_to_reach(self, c: Candidate, side: Side, target: float) -> float:
        k = side.supply
        xs = [self.x0[a][k] for a in range(self.n_actors)]
        xs[side.actor] = side.pos
        for a, v in c.updates.get(k, {}).items():
            xs[a] = v
        num = sum(self.weight(a, k) * xs[a] for a in range(self.n_actors) if self.present[a][k])
        return (target * self.total(k) - num) / self.weight(side.actor, k)

    def move_ok(self, side: Side, move: float) -> bool:
        if abs(move) > 100 or abs(move) <= EPS_MOVE:
            return False
        if side.pos + move < -BOUND or side.pos + move > 100 + BOUND:
            return False
        if sum(side.moves) > 100 + BOUND:
            return False
        lo, hi = min(side.moves), max(side.moves)
        return (lo < 0 and hi < 0) or (lo > 0 and hi > 0)

    def ratio(self, c: Candidate) -> float:
        """Outcome shift on the X side's supply issue per unit of shift on the Y side's."""
        if c.rate is not None:
            return c.rate
        x, y = c.x, c.y
        return (self.s[x.actor][y.supply] + self.s[y.actor][y.supply]) / (
            self.s[x.actor][x.supply] + self.s[y.actor][x.supply])

    def gains(self, c: Candidate, shift_x: float, shift_y: float) -> tuple[float, float]:
        """Utility gains of X and Y when the outcome moves by shift_x on X's supply issue and
        shift_y on Y's supply issue, each towards its demander."""
        x, y = c.x, c.y
        gx = shift_y * self.s[x.actor][x.demand] - shift_x * self.s[x.actor][x.supply]
        gy = shift_x * self.s[y.actor][y.demand] - shift_y * self.s[y.actor][y.supply]
        return gx, gy

    def set_moves(self, c: Candidate, mx: float, my: float, replace: bool) -> None:
        x, y = c.x, c.y
        x.move = -mx if x.pos > y.demand_pos else mx
        y.move = -my if y.pos > x.demand_pos else my
        if replace:
            x.moves.pop()
            y.moves.pop()
        x.moves.append(x.move)
        y.moves.append(y.move)
        x.y = x.pos + x.move
        y.y = y.pos + y.move

    def calculate(self, c: Candidate) -> None:
        x, y = c.x, c.y
        kx, ky = x.supply, y.supply
        r = self.ratio(c)
        dist_y = abs(x.demand_pos - y.pos)
        dist_x = abs(y.demand_pos - x.pos)
        shift_y = dist_y * self.weight(y.actor, ky) / self.total(ky)
        shift_x = shift_y * r
        mx = shift_x * self.total(kx) / self.weight(x.actor, kx)
        my = dist_y
        if mx > dist_x:
            shift_x = dist_x * self.weight(x.actor, kx) / self.total(kx)
            shift_y = shift_x / r
            mx = dist_x
            my = shift_y * self.total(ky) / self.weight(y.actor, ky)
        self.set_moves(c, mx, my, replace=False)
        gx, gy = self.gains(c, shift_x, shift_y)
        x.gain, y.gain = abs(gx), abs(gy)
        c.gain = min(x.gain, y.gain) if c.rate is not None else x.gain
        c.valid = self.move_ok(x, x.move) and self.move_ok(y, y.move) and c.gain >= EPS_GAIN
        if not c.valid:
            return
        self.check_nbs(c, x, y)
        self.check_nbs(c, y, x)
        c.valid = self.move_ok(x, x.move) and self.move_ok(y, y.move)
        if self.p > 0:
            u, v, z = (float(t) for t in self.rng.random(3))
            self.randomize(c, u, v, z)

    def check_nbs(self, c: Candidate, s: Side, t: Side) -> None:
        """Shrink the exchange when s's move carries the outcome past t's position."""
        target = t.demand_pos
        nbs0 = self.adjusted_nbs(c, s, s.pos)
        nbs1 = self.adjusted_nbs(c, s, s.y)
        if abs(target - nbs0) <= AT_TARGET:
            return
        if (target - nbs0 >= 0 and target - nbs1 >= 0) or (target - nbs0 <= 0 and target - nbs1 <= 0):
            return
        ms = abs(self.move_to_reach(c, s, target))
        shift_s = ms * self.weight(s.actor, s.supply) / self.total(s.supply)
        r = self.ratio(c)
        shift_t = shift_s / r if s is c.x else shift_s * r
        mt = abs(shift_t * self.total(t.supply) / self.weight(t.actor, t.supply))
        if s is c.x:
            self.set_moves(c, ms, mt, replace=True)
            gx, gy = self.gains(c, shift_s, shift_t)
        else:
            self.set_moves(c, mt, ms, replace=True)
            gx, gy = self.gains(c, shift_t, shift_s)
        c.x.gain, c.y.gain = abs(gx), abs(gy)
        c.gain = min(c.x.gain, c.y.gain) if c.rate is not None else abs(gx)

    def randomize(self, c: Candidate, u: float, v: float, z: float) -> None:
        """Decide's randomised equal gain: one side wins or loses part of its gain."""
        x, y = c.x, c.y
        eu_max = self.maximum_gains(c)
        s, t = (x, y) if u < 0.5 else (y, x)
        eu = c.gain
        target_gain = eu + self.p * z * (eu_max[id(s)] - eu) if v < 0.5 else eu - self.p * z * eu
        ks, kt = s.supply, t.supply
        ms = abs(s.pos - t.demand_pos)
        shift_s = ms * self.weight(s.actor, ks) / self.total(ks)
        shift_t = (target_gain + shift_s * self.s[s.actor][ks]) / self.s[s.actor][kt]
        mt = shift_t * self.total(kt) / self.weight(t.actor, kt)
        full_t = abs(t.pos - s.demand_pos)
        if abs(mt) > full_t:
            shift_t = full_t * self.weight(t.actor, kt) / self.total(kt)
            shift_s = abs((target_gain - shift_t * self.s[s.actor][kt]) / self.s[s.actor][ks])
            mt = full_t
            ms = shift_s * self.total(ks) / self.weight(s.actor, ks)
        else:
            signed = -ms if s.pos > t.demand_pos else ms
            nbs_new = self.adjusted_nbs(c, s, s.pos + signed)
            nbs_old = self.adjusted_nbs(c, s, s.pos)
            target = t.demand_pos
            between = not ((target >= nbs_old and target >= nbs_new)
                           or (target <= nbs_old and target <= nbs_new))
            if between and abs(target - nbs_old) > AT_TARGET:
                ms = abs(self.move_to_reach(c, s, target))
                shift_s = ms * self.weight(s.actor, ks) / self.total(ks)
                shift_t = (target_gain + shift_s * self.s[s.actor][ks]) / self.s[s.actor][kt]
                mt = shift_t * self.total(kt) / self.weight(t.actor, kt)
        gs = abs(shift_t * self.s[s.actor][kt] - shift_s * self.s[s.actor][ks])
        gt = abs(shift_s * self.s[t.actor][ks] - shift_t * self.s[t.actor][kt])
        s.gain, t.gain = gs, gt
        if s is x:
            self.set_moves(c, ms, mt, replace=True)
        else:
            self.set_moves(c, mt, ms, replace=True)
        c.valid = self.move_ok(x, x.move) and self.move_ok(y, y.move)

    def maximum_gains(self, c: Candidate) -> dict[int, float]:
        """The largest gain each side could get (Decide's ``calculate_maximum_utility``)."""
        i, j = c.x, c.y
        i_full = i.demand_pos == i.y
        j_full = j.demand_pos == j.y
        nbs_i = self.adjusted_nbs(c, i, i.y if i_full else j.demand_pos)
        nbs_j = self.adjusted_nbs(c, j, j.y if j_full else i.demand_pos)
        di = abs(self.adjusted_nbs(c, i, i.pos) - nbs_i)
        dj = abs(self.adjusted_nbs(c, j, j.pos) - nbs_j)
        s = self.s
        loss_j = dj * s[j.actor][j.supply]
        gain_i = dj * s[i.actor][i.demand]
        loss_i = di * s[i.actor][i.supply]
        gain_j = di * s[j.actor][j.demand]
        override = None
        if i_full and gain_j - loss_j > 0:
            override = gain_i - (loss_j / s[j.actor][j.demand]) * s[i.actor][i.supply]
        if j_full and gain_i - loss_i > 0:
            override = gain_j - (loss_i / s[i.actor][i.demand]) * s[j.actor][j.supply]
        if gain_i > gain_j:
            actor, other, gain, loss = j, i, gain_j, loss_i
        else:
            actor, other, gain, loss = i, j, gain_i, loss_j
        sa, so = s[actor.actor][actor.supply], s[other.actor][other.demand]
        share = sa / (sa + so)
        out = {id(actor): gain - share * sa * (loss / (share * so))}
        out[id(other)] = override if override else share * so * (gain / (share * sa)) - loss
        return out

    def recalculate(self, c: Candidate, e: Candidate) -> None:
        redo = False
        for mine in (c.x, c.y):
            for theirs in (e.x, e.y):
                if mine.actor == theirs.actor and mine.supply == theirs.supply:
                    mine.pos = theirs.y
                    mine.moves.append(theirs.moves[-1])
                    redo = True
                    break
        if redo:
            c.x.moves.pop()
            c.y.moves.pop()
        for demander, supplier in ((e.y, e.x), (e.x, e.y)):
            if any(demander.actor == mine.actor and demander.demand == mine.demand for mine in (c.x, c.y)):
                book = c.updates.setdefault(demander.demand, {})
                old = book.get(supplier.actor)
                if old is None:
                    book[supplier.actor] = supplier.y
                elif supplier.start <= old:
                    book[supplier.actor] = old if old < supplier.y else supplier.y
                else:
                    book[supplier.actor] = old if old > supplier.y else supplier.y
                if not redo:
                    c.x.moves.pop()
                    c.y.moves.pop()
                    redo = True
        if redo:
            self.calculate(c)

    # ----- one iteration -------------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        n, m = self.n_actors, self.n_issues
        nbs = self.outcome(self.x0)
        left = [[self.present[a][k] and self.x0[a][k] <= nbs[k] for k in range(m)] for a in range(n)]
        out: list[Candidate] = []
        for p in range(m):
            for q in range(p + 1, m):
                both = [a for a in range(n) if self.present[a][p] and self.present[a][q]]
                group = {a: int(left[a][p]) + 2 * int(left[a][q]) for a in both}
                for gi, gj in ((0, 3), (1, 2)):
                    for i in both:
                        if group[i] != gi:
                            continue
                        for j in both:
                            if group[j] != gj:
                                continue
                            if min(self.weight(a, k) for a in (i, j) for k in (p, q)) <= 0:
                                continue
                            if self.s[i][p] / self.s[i][q] < self.s[j][p] / self.s[j][q]:
                                xa, ya = j, i
                            else:
                                xa, ya = i, j
                            c = Candidate(
                                index=len(out),
                                x=Side(xa, q, p, self.x0[xa][q], self.x0[xa][q], self.x0[xa][p]),
                                y=Side(ya, p, q, self.x0[ya][p], self.x0[ya][p], self.x0[ya][q]),
                            )
                            if self.random_rate:
                                lo = self.s[ya][p] / self.s[ya][q]
                                hi = self.s[xa][p] / self.s[xa][q]
                                t = float(self.rng.random())
                                c.rate = lo + t * (hi - lo)
                            out.append(c)
        for c in out:
            self.calculate(c)
        return out

    def pick(self, live: list[Candidate]) -> Candidate:
        best = max(c.gain for c in live)
        tied = [c for c in live if c.gain >= best - TIE * best]
        if len(tied) == 1:
            return tied[0]
        tied.sort(key=lambda c: (self.actor_ids[c.x.actor], self.actor_ids[c.y.actor],
                                 self.issue_ids[c.x.supply], self.issue_ids[c.y.supply]))
        return tied[int(self.rng.integers(len(tied)))]

    def iteration(self):
        live = [c for c in self.candidates() if c.valid]
        realized = []
        while live:
            e = self.pick(live)
            live.remove(e)
            for c in live:
                self.recalculate(c, e)
            live = [c for c in live if c.valid]
            realized.append(e)
        voting = [row[:] for row in self.x0]
        nxt = [row[:] for row in self.x0]
        for e in realized:
            for side in (e.x, e.y):
                voting[side.actor][side.supply] = side.y
                w = (1 - self.s[side.actor][side.supply]) * self.sw + self.fw
                nxt[side.actor][side.supply] = w * side.y + (1 - w) * side.start
        return voting, nxt, realized

    def run(self):
        """Returns (trajectory, rounds, exchanges): outcomes (R, I) and voting positions
        (R, A, I) on the issues' scales, and per round the executed exchanges as tuples
        (x actor, x issue, x old, x new, y actor, y issue, y old, y new, x gain, y gain)."""
        self.x0 = [row[:] for row in self.x]
        trajectory, rounds, exchanges = [], [], []
        for _ in range(self.iterations):
            voting, nxt, realized = self.iteration()
            out = self.outcome(voting)
            trajectory.append([self._denorm(k, v) for k, v in enumerate(out)])
            rounds.append([[self._denorm(k, voting[a][k]) if self.present[a][k] else math.nan
                            for k in range(self.n_issues)] for a in range(self.n_actors)])
            exchanges.append([
                (e.x.actor, e.x.supply, self._denorm(e.x.supply, e.x.pos), self._denorm(e.x.supply, e.x.y),
                 e.y.actor, e.y.supply, self._denorm(e.y.supply, e.y.pos), self._denorm(e.y.supply, e.y.y),
                 e.x.gain, e.y.gain)
                for e in realized])
            self.x0 = nxt
        return trajectory, rounds, exchanges


def run_exchange_loop(position, salience, capability, present, scale_min, scale_max, **params):
    """Run the oracle on one scenario given as nested sequences (actors × issues).

    Parameters are those of :class:`accord.models.exchange.Exchange` plus ``rng``.
    Returns ``(trajectory, rounds, exchanges)`` as documented in :meth:`Oracle.run`.
    """
    return Oracle(position, salience, capability, present, scale_min, scale_max, **params).run()
