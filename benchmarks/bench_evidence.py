"""Evidence search: retrieval quality on the built-in case, search latency, indexing 1,000 articles.

Run: ``python benchmarks/bench_evidence.py [--articles 1000] [--no-rerank] [--json]``.

1. Quality. The built-in case is a labelled set: for each stance with quotes, a query made
   from the actor's and the issue's names and aliases must find the passages the quotes sit
   in. Printed: recall@5 and MRR for plain BM25 over the whole query, for the stance search
   accord uses (passages naming both actor and issue first), and for the stance search
   re-ranked by all-MiniLM-L6-v2 when ``accord[semantic]`` is installed.
2. Search latency over the five seed articles after indexing, against a naive pure-Python
   BM25 that scores every passage (same terms, same formula: the top hits must agree).
3. Indexing N synthetic articles of the seeds' size (text drawn from the seeds' own
   vocabulary with a seeded generator), against the naive index built in the same run,
   then search latency over them. Budgets: search on the seeds under 50 ms, indexing 1,000
   articles under 30 s.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from accord.evidence.corpus import Corpus, Document
from accord.evidence.evaluate import retrieval_quality
from accord.evidence.passages import split_passages
from accord.evidence.rerank import available, load_reranker
from accord.evidence.search import K1, B, SearchIndex
from accord.evidence.terms import stance_query
from accord.evidence.tokens import terms
from accord.scenario.io import load_scenario

SEARCH_BUDGET_MS = 50.0
INDEX_BUDGET_S = 30.0
SEED = 20250707


class NaiveBM25:
    """The baseline: a Counter per passage, every passage scored for every query."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.counts = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(len(docs), 1)
        df: Counter[str] = Counter()
        for c in self.counts:
            df.update(c.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        out = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            norm = K1 * (1 - B + B * length / self.avg)
            s = 0.0
            for t in query:
                tf = counts.get(t, 0)
                if tf:
                    s += self.idf[t] * tf / (tf + norm)
            out.append(s)
        return out

    def top(self, query: Sequence[str], k: int) -> list[int]:
        scores = self.scores(query)
        return sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))[:k]


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def per_query_ms(func: Callable[[Sequence[str]], Any], queries: list[list[str]], repeat: int = 5) -> float:
    """Median over queries of the best of ``repeat`` runs, in milliseconds."""
    times = []
    for q in queries:
        best = min(timed(lambda q=q: func(q))[0] for _ in range(repeat))
        times.append(best * 1000)
    return statistics.median(times)


def plain_bm25_quality(scenario, index: SearchIndex, k: int = 5) -> tuple[float, float]:
    """Recall@k and MRR of BM25 over the stance query alone (no name check), for comparison."""
    quality = retrieval_quality(scenario, index=index, k=k)
    recalls, rrs = [], []
    for row in quality.stances:
        stance = scenario.stance(row.actor, row.issue)
        hits = index.search(stance_query(scenario, stance), top=100)
        ranks = [h.rank for h in hits if h.passage.id in row.relevant]
        recalls.append(sum(1 for r in ranks if r <= k) / len(row.relevant))
        rrs.append(1 / ranks[0] if ranks else 0.0)
    return statistics.fmean(recalls), statistics.fmean(rrs)


def synthetic_articles(n: int, seeds: list[str], rng: np.random.Generator) -> list[str]:
    """``n`` articles of the seeds' length and paragraph sizes, words drawn from the seeds' vocabulary."""
    words = [w for text in seeds for w in text.split()]
    vocab, counts = np.unique(np.array(words), return_counts=True)
    p = counts / counts.sum()
    mean_chars = int(statistics.fmean(len(t) for t in seeds))
    paragraph_words = [len(p_.text.split()) for t in seeds for p_ in split_passages(t, "s")]
    out = []
    for _ in range(n):
        paragraphs, size = [], 0
        while size < mean_chars:
            length = int(rng.choice(paragraph_words))
            drawn = vocab[rng.choice(len(vocab), size=max(length, 3), p=p)]
            sentences = [" ".join(chunk) for chunk in np.array_split(drawn, max(1, length // 18))]
            para = " ".join(s[:1].upper() + s[1:].rstrip(".,") + "." for s in sentences if s)
            paragraphs.append(para)
            size += len(para) + 2
        out.append("\n\n".join(paragraphs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles to index")
    parser.add_argument("--no-rerank", action="store_true", help="skip the semantic re-ranker")
    parser.add_argument("--json", action="store_true", help="also print the numbers as one JSON object")
    args = parser.parse_args()
    report: dict[str, Any] = {}

    sc = load_scenario("ukraine-2025")
    corpus = Corpus.from_scenario(sc)
    t_index, index = timed(lambda: SearchIndex(corpus), repeat=3)
    print(f"ukraine-2025: {len(corpus)} sources, {len(index)} passages, indexed in {t_index * 1000:.1f} ms")

    plain_r, plain_mrr = plain_bm25_quality(sc, index)
    stance_q = retrieval_quality(sc, index=index, k=5)
    report["quality"] = {
        "stances": len(stance_q.stances),
        "bm25_plain": {"recall@5": round(plain_r, 3), "mrr": round(plain_mrr, 3)},
        "bm25_stance_search": {"recall@5": round(stance_q.recall_at_k, 3), "mrr": round(stance_q.mrr, 3)},
    }
    print(f"\nRetrieval quality over {len(stance_q.stances)} quoted stances "
          "(query: actor + issue names and aliases)")
    print(f"  {'method':44s} {'recall@5':>9s} {'MRR':>7s}")
    print(f"  {'BM25, plain':44s} {plain_r:9.3f} {plain_mrr:7.3f}")
    label = "BM25, passages naming actor and issue first"
    print(f"  {label:44s} {stance_q.recall_at_k:9.3f} {stance_q.mrr:7.3f}")
    if available() and not args.no_rerank:
        t_load, (reranker, _) = timed(load_reranker)
        t_rr, rr_q = timed(lambda: retrieval_quality(sc, index=index, k=5, reranker=reranker))
        label = "+ re-ranked by all-MiniLM-L6-v2 (weight 0.5)"
        print(f"  {label:44s} {rr_q.recall_at_k:9.3f} {rr_q.mrr:7.3f}"
              f"   (model load {t_load:.1f} s, {len(rr_q.stances)} queries {t_rr:.1f} s)")
        report["quality"]["reranked"] = {"recall@5": round(rr_q.recall_at_k, 3), "mrr": round(rr_q.mrr, 3),
                                         "load_s": round(t_load, 2), "queries_s": round(t_rr, 2)}
    else:
        print("  re-ranked: skipped (install accord[semantic] to measure it)")

    queries = [stance_query(sc, st) for st in sc.stances]
    queries += [terms(q) for q in ("85,000 troops", "European peacekeepers", "sanctions relief Congress",
                                   "Kursk withdrawal", "energy truce not honoured")]
    naive = NaiveBM25(index.terms)
    for q in queries:
        fast = [index.passages.index(h.passage) for h in index.search(q, top=10)]
        assert fast == naive.top(q, 10), f"bm25s and the naive scorer disagree on {q}"
    fast_ms = per_query_ms(lambda q: index.search(q, top=10), queries)
    naive_ms = per_query_ms(lambda q: naive.top(q, 10), queries)
    print(f"\nSearch over the five seeds ({len(queries)} queries, median; top 10 identical to the baseline)")
    print(f"  naive pure-Python BM25 (baseline) {naive_ms:8.3f} ms")
    print(f"  accord (bm25s)                    {fast_ms:8.3f} ms   x{naive_ms / fast_ms:.1f} faster; "
          f"budget {SEARCH_BUDGET_MS:.0f} ms: {'ok' if fast_ms < SEARCH_BUDGET_MS else 'OVER'}")
    report["search_seeds_ms"] = {"accord": round(fast_ms, 3), "naive": round(naive_ms, 3)}

    rng = np.random.default_rng(SEED)
    seeds = [s.text for s in sc.sources if s.text]
    t_gen, articles = timed(lambda: synthetic_articles(args.articles, seeds, rng))
    total_chars = sum(len(a) for a in articles)
    print(f"\nIndexing {args.articles:,} synthetic articles ({total_chars / 1e6:.1f} M characters, "
          f"generated in {t_gen:.1f} s)")
    t_split, big_corpus = timed(
        lambda: Corpus(Document.from_text(f"a{i:05d}", t) for i, t in enumerate(articles)))
    t_tok, tokens = timed(lambda: [terms(p.text) for p in big_corpus.passages])
    t_bm25, big_index = timed(lambda: SearchIndex(big_corpus))
    t_counts, big_naive = timed(lambda: NaiveBM25(tokens))
    t_naive = t_tok + t_counts
    print(f"  {len(big_index):,} passages; splitting into passages and sentences {t_split:.2f} s")
    print(f"  naive index: terms + a Counter per passage (baseline) {t_naive:6.2f} s")
    print(f"  accord SearchIndex: terms + bm25s sparse index        {t_bm25:6.2f} s   "
          f"x{t_bm25 / t_naive:.2f} the baseline")
    total = t_split + t_bm25
    print(f"  total from raw text to a searchable index             {total:6.2f} s   "
          f"budget {INDEX_BUDGET_S:.0f} s: {'ok' if total < INDEX_BUDGET_S else 'OVER'}")
    big_queries = queries[:10]
    big_fast = per_query_ms(lambda q: big_index.search(q, top=10), big_queries, repeat=3)
    big_slow = per_query_ms(lambda q: big_naive.top(q, 10), big_queries, repeat=1)
    print(f"  search over {len(big_index):,} passages: accord {big_fast:.2f} ms, naive {big_slow:.1f} ms "
          f"(x{big_slow / big_fast:.0f} faster)")
    report["index_synthetic"] = {
        "articles": args.articles, "chars": total_chars, "passages": len(big_index),
        "split_s": round(t_split, 2),
        "index_s": round(t_bm25, 2), "naive_index_s": round(t_naive, 2),
        "search_ms": round(big_fast, 3), "naive_search_ms": round(big_slow, 2),
    }
    if args.json:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
