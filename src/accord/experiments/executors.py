"""Executors: who runs the chunks of an experiment.

An :class:`Executor` is called as ``executor(run_chunk, plan, indices)`` and yields
``run_chunk(plan, index)`` for every index, in any order. :func:`sequential` (the
default) runs the chunks one after another in this process. :class:`ProcessExecutor`
(:mod:`accord.experiments.processes`, which does not import Dask) runs them on this
machine's cores: the first chunk in this process, and, when the rest would take a while,
the others on a pool of worker processes (``accord mc`` and ``accord sensitivity`` use it
by default). :class:`DaskExecutor` runs them on a Dask
distributed cluster: it sends the plan to every worker once, runs one
task per chunk (:func:`accord.experiments.evaluate.run_chunk`) and hands chunks back as
they finish. Each chunk's draws depend only on the seed and the chunk's blocks (or rows
of a sensitivity design), so the results equal those of a single-process run, whatever
the number of workers. The protocol and :func:`sequential` live with the plan in
:mod:`accord.experiments.evaluate`, so running an experiment in this process does not
import Dask.

Either connect to a running cluster (``scheduler="tcp://host:8786"``) or start a local
one (``workers=N``: ``LocalCluster(n_workers=N, threads_per_worker=1, processes=True)``),
which is shut down again on exit.

Dask is an optional extra: ``pip install 'accord[scale]'``. Without it, creating a
:class:`DaskExecutor` raises :class:`~accord.errors.AccordError` with that hint.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

from accord.errors import AccordError, ParameterError
from accord.experiments.evaluate import Executor, sequential
from accord.experiments.processes import ProcessExecutor, local_cores

distributed: ModuleType | None
try:
    import dask.distributed as distributed
except ImportError:  # the optional 'scale' extra
    distributed = None

__all__ = [
    "INSTALL_HINT",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "dask_available",
    "local_cores",
    "sequential",
]

INSTALL_HINT = "running on a Dask cluster needs the 'scale' extra: pip install 'accord[scale]'"


def dask_available() -> bool:
    """True when ``dask.distributed`` is installed."""
    return distributed is not None


class DaskExecutor:
    """Run chunks on a Dask cluster; use as a context manager.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    workers : int, optional
        Start a local cluster of this many single-threaded worker processes.
        Exactly one of ``scheduler`` and ``workers`` must be given.

    Examples
    --------
    >>> with DaskExecutor(workers=2) as executor:            # doctest: +SKIP
    ...     result = monte_carlo(scenario, draws=100_000, executor=executor)
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        if (scheduler is None) == (workers is None):
            raise ParameterError("give either a scheduler address or a number of workers, not both or neither")
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ParameterError(f"workers must be a positive integer, got {workers!r}")
        if distributed is None:
            raise AccordError(INSTALL_HINT)
        self._distributed = distributed
        self.scheduler = scheduler
        self.workers = workers
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskExecutor:
        d = self._distributed
        try:
            if self.workers is not None:
                self._cluster = d.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = d.Client(self._cluster)
            else:
                self._client = d.Client(self.scheduler, timeout="10s")
        except OSError as exc:
            self.close()
            raise AccordError(f"cannot reach the Dask scheduler at {self.scheduler!r}: {exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started one."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    @property
    def client(self) -> Any:
        """The ``dask.distributed.Client`` (inside the ``with`` block)."""
        if self._client is None:
            raise AccordError("the Dask executor is not open: use it in a 'with' block")
        return self._client

    def __call__(self, func: Callable[[Any, int], Any], plan: Any, indices: Sequence[int]) -> Iterator[Any]:
        """Run ``func(plan, index)`` for every index on the cluster; yield results as they finish."""
        client = self.client
        shared = client.scatter(plan, broadcast=True)
        run = uuid.uuid4().hex
        futures = [client.submit(func, shared, i, key=f"accord-chunk-{run}-{i}") for i in indices]
        try:
            for future in self._distributed.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.release()
