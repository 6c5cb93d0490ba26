"""Write the table of the built-in case's verdict by date into ``docs/agreement.md`` (between the markers).

    python scripts/agreement_table.py [--draws N] [--seed S] [--check]

For each snapshot date of ``ukraine-2025`` and each later date of a no-deal cost path: whether a
zone exists with every red line held as stated, P(zone) with its standard error over N draws of
every range and of each red line (real with its credibility), the blocking set (the
irreducible conflict) and the cheapest opening. ``--check`` exits 1 when the file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accord.agreement import analyse_agreement
from accord.experiments.agreement import agreement_probability
from accord.scenario.case import Case
from accord.scenario.io import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "agreement.md"
START = "<!-- agreement-table:start -->"
END = "<!-- agreement-table:end -->"


def dates(scenario):  # noqa: ANN001, ANN201
    out = {s.date: s.label for s in scenario.timeline}
    last = max(out)
    for actor in scenario.actors:
        for point in actor.no_deal_cost_path:
            if point.date > last:
                out.setdefault(point.date, f"(cost path of {actor.name})")
    return sorted(out.items())


def render(draws: int, seed: int) -> str:
    scenario = load_scenario("ukraine-2025")
    lines = [
        f"| date | snapshot | zone (red lines as stated) | P(zone) ± se ({draws:,} draws) | blocking set "
        "| cheapest opening |",
        "|---|---|---|---|---|---|",
    ]
    for date, label in dates(scenario):
        case = Case.resolve(scenario, at=date)
        report = analyse_agreement(case, partial=False, lever_pairs=False, timeline=False, with_types=False)
        prob = agreement_probability(case, draws, seed=seed, pivotal=False)
        block = "; ".join(report.limit_text(lim) for lim in report.conflict) or "–"
        opening = "–"
        if report.openings and report.openings[0].changes:
            first = report.openings[0]
            opening = "; ".join(report.change_text(c) for c in first.changes)
            if first.p_posture is not None:
                opening += f" (P all postures {first.p_posture:.2f})"
        zone = "yes" if report.deal.zone_exists else "no"
        lines.append(f"| {date.isoformat()} | {label} | {zone} | {prob.p_zone:.3f} ± {prob.p_zone_se:.3f} | "
                     f"{block} | {opening} |")
    lines.append("")
    lines.append(f"Written by `python scripts/agreement_table.py --draws {draws} --seed {seed}`.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + START + "\n" + render(args.draws, args.seed) + "\n" + END + tail
    if args.check:
        if new != text:
            print(f"{DOC} is out of date: run python scripts/agreement_table.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
