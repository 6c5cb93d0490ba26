"""Ranked passage search: BM25 over every passage of a corpus, with an optional re-ranker.

BM25 (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and
Beyond") scores each passage for the query terms; the sparse index is built and
queried with ``bm25s`` (Lù 2024), using the Lucene variant of the formula with
``k1 = 1.5`` and ``b = 0.75``. Text goes through :func:`accord.evidence.tokens.terms`
on both sides, so ``85,000`` finds ``85000`` and ``troops`` finds ``troop``.

A re-ranker (:mod:`accord.evidence.rerank`) re-orders the best BM25 candidates by
meaning; without one, the BM25 order is the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from accord.evidence.corpus import Corpus
from accord.evidence.passages import Passage
from accord.evidence.tokens import terms

if TYPE_CHECKING:
    from accord.evidence.rerank import Reranker

K1 = 1.5
B = 0.75
RERANK_POOL = 50


@dataclass(frozen=True)
class Hit:
    """One passage found by a search.

    Attributes
    ----------
    passage : Passage
    title : str
        Title of the passage's source.
    date : datetime.date or None
        Date of the passage's source.
    score : float
        The final score: BM25, or the re-ranker's when it ran.
    bm25 : float
        The BM25 score.
    rank : int
        1-based.
    """

    passage: Passage
    title: str
    date: dt.date | None
    score: float
    bm25: float
    rank: int

    def to_dict(self) -> dict[str, object]:
        p = self.passage
        return {
            "rank": self.rank,
            "source": p.source,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "passage": p.number,
            "start": p.start,
            "end": p.end,
            "score": round(float(self.score), 4),
            "bm25": round(float(self.bm25), 4),
            "text": p.text,
        }


class SearchIndex:
    """A BM25 index over the passages of a corpus.

    Parameters
    ----------
    corpus : Corpus
    """

    def __init__(self, corpus: Corpus) -> None:
        import bm25s

        self.corpus = corpus
        self.passages: list[Passage] = corpus.passages
        self.terms: list[list[str]] = [terms(p.text) for p in self.passages]
        self._bm25 = None
        if self.passages:
            self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
            self._bm25.index([t or [""] for t in self.terms], show_progress=False)

    def __len__(self) -> int:
        return len(self.passages)

    def scores(self, query: str | Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for ``query`` (a text, or a list of terms)."""
        q = terms(query) if isinstance(query, str) else list(query)
        if self._bm25 is None:
            return np.zeros(0)
        known = [t for t in q if t in self._bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.passages))
        return np.asarray(self._bm25.get_scores(known), dtype=float)

    def search(
        self,
        query: str | Sequence[str],
        *,
        top: int = 10,
        reranker: Reranker | None = None,
        text: str | None = None,
        prefer: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``top`` passages for ``query``, best first; passages with no query term are never returned.

        Parameters
        ----------
        query : str or sequence of str
            Free text, or terms already produced by :func:`accord.evidence.tokens.terms`.
        top : int
            How many hits to return.
        reranker : Reranker, optional
            Re-orders the best ``max(RERANK_POOL, top)`` BM25 candidates.
        text : str, optional
            The query as the re-ranker should read it (default: ``query``, or its terms joined).
        prefer : array of bool, optional
            One flag per passage: flagged passages rank before all others (each group in score order).
        """
        scores = self.scores(query)
        tier = np.zeros(len(scores)) if prefer is None else -np.asarray(prefer, dtype=float)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size == 0 or top <= 0:
            return []
        pool = max(RERANK_POOL, top) if reranker is not None else top
        order = candidates[np.lexsort((candidates, -scores[candidates], tier[candidates]))][:pool]
        final = scores[order]
        if reranker is not None:
            query_text = text if text is not None else (query if isinstance(query, str) else " ".join(query))
            texts = [self.passages[i].text for i in order]
            final = np.asarray(reranker.rerank(query_text, texts, scores[order]), dtype=float)
            resort = np.lexsort((np.arange(order.size), -final, tier[order]))
            order, final = order[resort], final[resort]
        hits = []
        for rank, (i, score) in enumerate(zip(order[:top], final[:top], strict=False), 1):
            p = self.passages[i]
            doc = self.corpus[p.source]
            hits.append(Hit(p, doc.title, doc.date, float(score), float(scores[i]), rank))
        return hits
