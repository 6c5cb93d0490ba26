"""The shipped track-record sentence of the backtest, read without loading the models or the backtest."""

from __future__ import annotations

import json

from accord import data as packaged

__all__ = ["TRACK_RECORD_FILE", "packaged_track_record"]

#: The shipped track-record sentence, under ``accord/data``.
TRACK_RECORD_FILE = "track_record.json"


def packaged_track_record() -> str:
    """The sentence of :func:`accord.backtest.run.track_record_sentence` for the default backtest, as shipped.

    Written by ``scripts/backtest_table.py`` into ``accord/data/track_record.json`` so that
    commands that quote it (``accord agree``, ``accord brief``) need not run the backtest;
    a regression test checks it against the live computation.
    """
    return str(json.loads(packaged.path(TRACK_RECORD_FILE).read_text(encoding="utf-8"))["sentence"])
