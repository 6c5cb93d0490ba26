"""Is an agreement attainable? Zones of agreement, bargaining solutions, the gap and who blocks.

The model
    A *package* ``x`` puts every issue at a point of its scale. Actor ``i``'s utility is

        U_i(x) = −Σ_p s_ip |x_p − pos_ip| / range_p              (``utility="linear"``, default)
        U_i(x) = −Σ_p s_ip ((x_p − pos_ip) / range_p)²           (``utility="quadratic"``)

    over the issues where ``i`` holds a stance (``s`` salience, ``pos`` position,
    ``range`` the width of the issue's scale). Without a deal ``i`` expects ``e_ip``
    on each issue (``Stance.expects``; default the issue's status quo) and bears a
    cost ``c_i ≥ 0`` of continued conflict (``Actor.no_deal_cost``, in utility units,
    or ``no_deal_cost_path`` at a date). Its reservation value is
    ``r_i = U_i(e_i) − c_i``: it accepts a deal worth at least that (Fearon 1995: costly
    conflict opens a bargaining range).

Enforcement
    A deal's terms may not be honoured. With hold probability ``h_p`` on issue ``p``
    (the issue's ``hold_probability`` times the scenario's ``hold_probability``) the
    deal is worth, term by term, ``h_p u_ip(x_p) + (1 − h_p) u_ip(e_ip)`` to actor ``i``
    (``u_ip`` being the issue's term of ``U_i``): what the actor is promised if the term
    holds, what it expects without a deal if not. With a single ``h`` for the deal
    this is ``h U_i(x) + (1 − h) U_i(e_i)``. The cost of conflict is avoided by signing,
    whether or not the terms are later honoured. Actor ``i``'s *surplus* is

        G_i(x) = Σ_p h_p (u_ip(x_p) − u_ip(e_ip)) + c_i,

    and it accepts when ``G_i(x) ≥ 0``. A guarantee that may not hold discounts what a
    side is promised on that issue, so concessions received on weakly enforced issues
    count for less than concessions made on well enforced ones (the commitment
    problem, Fearon 1995).

Who must accept, and partial deals
    A deal *covers* a set of issues: all of them (the comprehensive deal) or a subset
    (a partial deal). Every ``veto`` actor of a covered issue must accept (Tsebelis
    2002: the win-set of the status quo is the intersection of the veto players'
    acceptable sets; Putnam 1988: ratifiers such as a legislature are veto players of
    the issues they must ratify). When no issue of the scenario names veto players,
    every actor with a stance on an issue is a veto player for it (unanimity).
    On an uncovered issue the package stays at no deal: its value is reported as the
    status quo, and each actor values it at what it expects without a deal, on both
    sides of the comparison, so the term cancels from ``G_i``. A partial deal does not
    end the whole conflict: it relieves each actor of the share of its no-deal cost
    that the covered issues carry in its salience, ``c_i Σ_{p covered} s_ip / Σ_p s_ip``.
    The comprehensive deal relieves all of it.

What is computed
    * Zone of agreement: the packages every veto player accepts. With the linear form
      the surpluses are concave and piecewise linear, so feasibility is a linear
      program (HiGHS, :mod:`accord.agreement.solver`) with one auxiliary variable per stance,
      ``v ≤ −|z − p|`` written as two inequalities. With the quadratic form every
      program is a smooth convex one (concave surpluses), solved by SLSQP from a feasible
      start. The zone on each issue is the interval
      ``[min x_p, max x_p]`` over the zone: two linear programs per issue.
    * The Nash bargaining solution (Nash 1950): the package maximising
      ``Σ_i w_i log G_i(x)`` over the zone, ``w`` the veto players' capabilities
      (normalised). The objective is concave. With the linear form the surpluses are
      linear inside each box between consecutive positions on every issue, so the
      program is solved box by box with SLSQP over ``x`` alone, moving to a neighbouring
      box while that gains (the objective's directional derivative separates by issue,
      so no gain from any single issue means the optimum); with the quadratic form it is
      smooth and solved directly. Veto players whose surplus is zero everywhere in the
      zone (no stake, or pinned at their reservation) are kept as constraints only.
    * The Kalai–Smorodinsky point (Kalai & Smorodinsky 1975): maximise ``t`` subject to
      ``G_i(x) ≥ t · ideal_i``, ``ideal_i`` the largest surplus ``i`` can get in the
      zone: a linear program (plus one per veto player for the ideals).
      Where a bargaining solution leaves some issues undetermined (no veto player cares),
      the package is the one closest to the status quo in Σ|x_p − sq_p| / range_p.
    * When there is no zone: the smallest total relaxation ``min Σ_i e_i`` subject to
      ``G_i(x) + e_i ≥ 0``, ``e ≥ 0`` (a linear program). Its split between actors is
      not unique; the split reported is the one, among the smallest totals, whose
      largest single relaxation is smallest (a second linear program), so a gap two
      sides share appears on both. The *blockers* are the actors with ``e_i > 0``. The
      *relaxed package* is a package achieving those relaxations, the closest to the
      status quo; a blocker's *binding issues* are the covered issues on which, at the
      relaxed package, it gets less than it expects without a deal, ranked by the loss
      ``h_p s_ip (|x_p − pos_ip| − |e_ip − pos_ip|) / range_p``. The gap in concrete
      terms: an extra no-deal cost of ``e_i`` (divided by the share of the cost the deal
      relieves) closes blocker ``i``'s part; or a shift of its position on one binding
      issue, toward the relaxed package (holding the package fixed, so an upper bound),
      that raises its surplus there by ``e_i``.
    * Partial deals: every subset of issues is a candidate. Zone existence is not
      monotone in the subset (dropping an issue can remove a compensation as well as a
      veto player), so subsets are examined from the largest down, all subsets of one
      size before the next, stopping at the first size that has a zone. Most subsets
      are decided without a linear program: a subset has a zone if one of a set of
      candidate packages (status quo, every actor's ideal and expectations, weighted
      medians, and every package found so far) is accepted by all its veto players;
      it has none if a dual certificate ``λ ≥ 0`` gives ``max_x Σ_i λ_i G_i(x) < 0``
      (the maximum separates by issue; the certificates are the dual values of the
      programs solved so far and pairwise weightings of the veto players). The rest get
      the relaxation program.

Arrays for sampling
    :func:`agreement_arrays` turns a scenario (at a date, with levers and types) into
    :class:`AgreementArrays`, calling ``value_of(path, Uncertain)`` for every uncertain
    input exactly as :func:`accord.scenario.arrays.arrays_from_scenario` does; a
    sampler returning ``D`` draws per input gives arrays with a leading draw axis.
    :func:`zone_batch` evaluates every draw. :func:`analyse_agreement` is the full
    analysis behind ``accord agree``.

Modules
    :mod:`~accord.agreement.inputs` (the inputs as arrays), :mod:`~accord.agreement.bargaining`
    (the programs for one problem), :mod:`~accord.agreement.deal` (what a deal means for
    each veto player), :mod:`~accord.agreement.partial` (subsets of issues),
    :mod:`~accord.agreement.levers`, :mod:`~accord.agreement.timeline`,
    :mod:`~accord.agreement.types` (analyses that vary one choice of the
    :class:`~accord.scenario.case.Case`), :mod:`~accord.agreement.report` (the report).
"""

from accord.agreement.bargaining import Deal, Problem, Relaxation, nash_of, relax_arrays, zone_batch
from accord.agreement.deal import BindingTerm, Blocker, DealResult, analyse_deal
from accord.agreement.inputs import TOL, AgreementArrays, Utility, agreement_arrays
from accord.agreement.levers import LeverEffect, rank_levers
from accord.agreement.partial import PartialDeals, partial_deals
from accord.agreement.report import AgreementReport, analyse_agreement
from accord.agreement.timeline import TimePoint, evaluate_timeline
from accord.agreement.types import ActorTypes, analyse_types

__all__ = [
    "TOL",
    "ActorTypes",
    "AgreementArrays",
    "AgreementReport",
    "BindingTerm",
    "Blocker",
    "Deal",
    "DealResult",
    "LeverEffect",
    "PartialDeals",
    "Problem",
    "Relaxation",
    "TimePoint",
    "Utility",
    "agreement_arrays",
    "analyse_agreement",
    "analyse_deal",
    "analyse_types",
    "evaluate_timeline",
    "nash_of",
    "partial_deals",
    "rank_levers",
    "relax_arrays",
    "zone_batch",
]
