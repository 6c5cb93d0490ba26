"""Progress bars on stderr for long jobs: only on a terminal, only when the job is slow, never in JSON output."""

from __future__ import annotations

import sys
import time
from typing import Any

QUIET_HELP = "No progress bar (there is none either when stderr is not a terminal or with --json)."


class LazyProgress:
    """A rich progress bar on stderr that appears only once the work will take over ``delay`` seconds.

    Call it as ``progress(done, total)``, or ``progress.step(label, done, total)`` for work in
    several labelled steps; nothing is shown when ``enabled`` is False or stderr is not a
    terminal. Use as a context manager so the bar is closed. The numeric code only ever
    sees a plain callable.
    """

    def __init__(self, description: str, enabled: bool = True, delay: float = 1.0) -> None:
        self.description = description
        self.enabled = enabled and sys.stderr.isatty()
        self.delay = delay
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            elapsed = time.monotonic() - self.started
            projected = elapsed * total / done if done else float("inf")
            if done >= total or (elapsed < self.delay and projected < self.delay):
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, completed=done, total=total, description=self.description)

    def step(self, label: str, done: int, total: int) -> None:
        """Progress of the step ``label``: ``done`` of ``total``."""
        if label != self.description:
            self.description = label
            self.started = time.monotonic() if self._bar is None else self.started
        self(done, total)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class Pulse:
    """A bar on stderr that pulses, with the time elapsed, for work that cannot count its steps.

    Shown only when ``enabled`` and stderr is a terminal; removed when the work ends.
    """

    def __init__(self, description: str, enabled: bool = True) -> None:
        self.description = description
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None

    def __enter__(self) -> Pulse:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._bar.add_task(self.description, total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
