"""Measure search quality on a scenario's own quotes: a labelled set that every scenario carries.

For each stance with verified quotes, the stance is searched for as
:class:`accord.evidence.stance_search.StanceSearch` does (a query from the actor's and
the issue's names and aliases), and the relevant passages are those its quotes sit in.
Reported, averaged over stances:

- ``recall@k``: the share of a stance's quoted passages found among the first ``k`` hits;
- ``MRR``: the reciprocal rank of the first quoted passage (0 when not in the first 100).

The number also measures the scenario's aliases: a stance whose actor and issue are named
in the text by words missing from the aliases will score low.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.evidence.corpus import match_quote
from accord.evidence.rerank import Reranker
from accord.evidence.search import SearchIndex
from accord.evidence.stance_search import StanceSearch
from accord.scenario.schema import Scenario

MRR_DEPTH = 100


@dataclass(frozen=True)
class StanceRetrieval:
    """How search did for one stance."""

    actor: str
    issue: str
    relevant: tuple[str, ...]
    first_rank: int | None
    found_at_k: int

    @property
    def recall(self) -> float:
        return self.found_at_k / len(self.relevant)


@dataclass(frozen=True)
class RetrievalQuality:
    """Recall@k and mean reciprocal rank over the quoted stances of a scenario."""

    k: int
    recall_at_k: float
    mrr: float
    stances: tuple[StanceRetrieval, ...]
    reranker: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "k": self.k,
            f"recall@{self.k}": round(self.recall_at_k, 4),
            "mrr": round(self.mrr, 4),
            "stances": len(self.stances),
            "reranker": self.reranker,
            "per_stance": [
                {"actor": s.actor, "issue": s.issue, "relevant": list(s.relevant), "first_rank": s.first_rank,
                 "recall": round(s.recall, 4)}
                for s in self.stances
            ],
        }


def retrieval_quality(
    scenario: Scenario,
    *,
    k: int = 5,
    index: SearchIndex | None = None,
    reranker: Reranker | None = None,
) -> RetrievalQuality:
    """Recall@``k`` and MRR of stance queries against the passages their quotes sit in."""
    finder = StanceSearch(scenario, index)
    texts = {s.id: s.text for s in scenario.sources if s.text}
    rows = []
    for st in scenario.stances:
        relevant: dict[str, None] = {}
        for ev in st.evidence:
            text = texts.get(ev.source)
            found = match_quote(ev.source, text, ev.quote) if text else None
            if found is not None:
                relevant.update((p.id, None) for p in found.passages)
        if not relevant:
            continue
        hits = finder.search(st, top=max(MRR_DEPTH, k), reranker=reranker)
        ranks = [h.rank for h in hits if h.passage.id in relevant]
        found_at_k = sum(1 for r in ranks if r <= k)
        first = ranks[0] if ranks else None
        rows.append(StanceRetrieval(st.actor, st.issue, tuple(relevant), first, found_at_k))
    n = max(len(rows), 1)
    return RetrievalQuality(
        k=k,
        recall_at_k=sum(r.recall for r in rows) / n,
        mrr=sum(1.0 / r.first_rank for r in rows if r.first_rank) / n,
        stances=tuple(rows),
        reranker=getattr(reranker, "name", None),
    )
