"""Evidence: the source texts behind a scenario, searchable, with every stance tied to its passages.

- :func:`extract_file` reads text, Markdown, HTML and PDF documents;
  :func:`add_sources` adds them to a scenario file.
- :func:`split_passages` cuts a text into paragraphs with character and sentence offsets;
  a :class:`Corpus` holds a scenario's documents and passages.
- :func:`locate_quote` finds the passage an evidence quote sits in.
- :class:`SearchIndex` ranks passages with BM25; :func:`load_reranker` adds the optional
  semantic re-ranker (``pip install 'accord[semantic]'``).
- :func:`coverage` reports how each stance is backed; :func:`diff_source` shows which
  stances a new article touches; :func:`retrieval_quality` measures search on a
  scenario's own quotes.

Nothing here reaches the network.
"""

from accord.evidence.corpus import Corpus, Document, QuoteMatch, find_quote, locate_quote, match_quote
from accord.evidence.coverage import CoverageReport, StanceCoverage, coverage, load_for_coverage
from accord.evidence.diff import SourceDiff, diff_source
from accord.evidence.evaluate import RetrievalQuality, retrieval_quality
from accord.evidence.extract import Extracted, extract_file
from accord.evidence.passages import Passage, split_passages, split_sentences
from accord.evidence.rerank import Reranker, SentenceReranker, load_reranker
from accord.evidence.search import Hit, SearchIndex
from accord.evidence.sources_add import AddedSource, SourceAddError, add_sources
from accord.evidence.stance_search import StanceSearch
from accord.evidence.terms import NameIndex, stance_query
from accord.evidence.tokens import terms

__all__ = [
    "AddedSource",
    "Corpus",
    "CoverageReport",
    "Document",
    "Extracted",
    "Hit",
    "NameIndex",
    "Passage",
    "QuoteMatch",
    "Reranker",
    "RetrievalQuality",
    "SearchIndex",
    "SentenceReranker",
    "SourceAddError",
    "SourceDiff",
    "StanceCoverage",
    "StanceSearch",
    "add_sources",
    "coverage",
    "diff_source",
    "extract_file",
    "find_quote",
    "load_for_coverage",
    "load_reranker",
    "locate_quote",
    "match_quote",
    "retrieval_quality",
    "split_passages",
    "split_sentences",
    "stance_query",
    "terms",
]
