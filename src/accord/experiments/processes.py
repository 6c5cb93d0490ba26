"""Running an experiment's chunks on this machine's cores.

:class:`ProcessExecutor` is an :class:`~accord.experiments.evaluate.Executor` that
spreads chunks over local worker processes when that pays. It lives apart from
:mod:`accord.experiments.executors` so that using it does not import Dask.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from accord.errors import ParameterError

__all__ = ["MIN_SECONDS", "ProcessExecutor", "local_cores"]

#: Estimated seconds of remaining work below which chunks stay in this process.
MIN_SECONDS = 2.0


def local_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


#: The chunk function and plan of the :class:`ProcessExecutor` call a worker serves.
_installed: tuple[Callable[[Any, int], Any], Any] | None = None


def _install(func: Callable[[Any, int], Any], plan: Any) -> None:
    global _installed
    _installed = (func, plan)


def _run_installed(index: int) -> Any:
    if _installed is None:
        raise RuntimeError("no plan installed in this worker")
    func, plan = _installed
    return func(plan, index)


class ProcessExecutor:
    """Run chunks on this machine's cores; use as a context manager or call directly.

    The first chunk runs in this process and is timed. When the chunks left would take
    less than ``min_seconds`` in this process (or only one worker is asked for), they
    run here too; otherwise they go to a pool of ``workers`` processes, which receive
    the chunk function and the plan once each and yield chunks as they finish. Each
    chunk's draws depend only on the seed and the chunk's blocks (or design rows), so the
    results are the same whichever way the chunks run. Workers start from a fork server
    that has imported accord once (``forkserver`` where the platform has it, else
    ``spawn``), not by forking this process, which may be running threads.

    Parameters
    ----------
    workers : int, optional
        Worker processes; default :func:`local_cores`.
    min_seconds : float, optional
        Estimated time of the remaining chunks above which a pool is started (starting
        one costs about a second of imports). Default: the environment variable
        ``ACCORD_POOL_MIN_SECONDS``, else :data:`MIN_SECONDS`.

    Notes
    -----
    As with any use of :mod:`multiprocessing` that does not fork, a script that runs
    an experiment on a pool must guard its entry point with
    ``if __name__ == "__main__":``.
    """

    def __init__(self, workers: int | None = None, min_seconds: float | None = None) -> None:
        if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
            raise ParameterError(f"workers must be a positive integer, got {workers!r}")
        if min_seconds is None:
            text = os.environ.get("ACCORD_POOL_MIN_SECONDS", "")
            try:
                min_seconds = float(text) if text else MIN_SECONDS
            except ValueError:
                raise ParameterError(f"ACCORD_POOL_MIN_SECONDS must be a number of seconds, got {text!r}") from None
        if not min_seconds >= 0:
            raise ParameterError(f"min_seconds must be >= 0, got {min_seconds!r}")
        self.workers = local_cores() if workers is None else workers
        self.min_seconds = float(min_seconds)
        #: Whether the last call handed chunks to worker processes.
        self.used_pool = False

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @staticmethod
    def _context() -> multiprocessing.context.BaseContext:
        methods = multiprocessing.get_all_start_methods()
        if "forkserver" in methods:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["accord.experiments.processes", "accord.experiments.evaluate", "accord.models"])
            return ctx
        return multiprocessing.get_context("spawn")

    def __call__(self, func: Callable[[Any, int], Any], plan: Any, indices: Sequence[int]) -> Iterator[Any]:
        """Yield ``func(plan, index)`` for every index: the first here, the rest here or on the pool."""
        self.used_pool = False
        indices = list(indices)
        if not indices:
            return
        started = time.perf_counter()
        yield func(plan, indices[0])
        rest = indices[1:]
        remaining = (time.perf_counter() - started) * len(rest)
        if self.workers < 2 or len(rest) < 2 or remaining < self.min_seconds:
            for index in rest:
                yield func(plan, index)
            return
        self.used_pool = True
        pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(rest)),
            mp_context=self._context(),
            initializer=_install,
            initargs=(func, plan),
        )
        pending: set[Future[Any]] = set()
        try:
            pending = {pool.submit(_run_installed, index) for index in rest}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
