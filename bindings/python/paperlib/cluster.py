"""Running replays on Dask: a local cluster or yours, inputs placed once per worker, chunks
of jobs, results as they arrive, cancellation.

:func:`connect` gives a ``distributed.Client``: a new ``LocalCluster`` of worker processes
(one thread each) when ``client`` is None, a client on the scheduler at an address, or yours
as it is. :func:`run_jobs` runs replays there (:mod:`paperlib.sweep_task`): in-memory inputs
are scattered to every worker once, jobs go out in chunks (one Dask task per chunk) with
``retries`` - and a chunk lost with its worker is run again elsewhere by the scheduler -, and
each finished chunk is handed to a callback in completion order while the caller keeps the
results by job id, so the final order never depends on who finished first.

Dask is imported only here and only when a sweep runs: ``import paperlib`` never needs it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import time
import uuid
from concurrent.futures import CancelledError
from typing import Any, Callable, Iterator, List, Mapping, MutableMapping, Optional, Sequence, Tuple

from ._paperlib import ffi, lib
from .errors import ErrorCode, InvalidArgument, StateError
from .sweep_task import BarsInput, Job, SignalsInput, run_chunk

__all__ = ["connect", "local_cluster", "run_jobs", "default_chunk", "slots", "ProgressBar", "Stop", "NoWorkers",
           "LOCAL_NO_WORKERS_TIMEOUT"]

#: How long a sweep on its own local cluster waits without any worker before it gives up:
#: a nanny restarts a lost worker within seconds, and Dask 2022.12 sometimes fails to.
LOCAL_NO_WORKERS_TIMEOUT = 60.0

#: What a caller may pass as ``client``.
ClientLike = Any
#: Called with each finished chunk: [(job id, result)] in the order the chunk ran them.
OnChunk = Callable[[List[Tuple[int, Any]]], None]


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise ImportError(
            f"paperlib sweeps run on Dask: install python3-distributed (Debian) or "
            f"distributed (pip) ({e})") from e
    return distributed


@contextlib.contextmanager
def connect(client: ClientLike = None, workers: Optional[int] = None) -> Iterator[Any]:
    """A ``distributed.Client`` for the duration of the block.

    Args:
        client: None - a new ``LocalCluster`` of ``workers`` processes (default: the
            machine's cores), one thread each, the dashboard (if bokeh is installed) on a free port, closed at the end of the block;
            a scheduler address (``"tcp://host:8786"``) - a client on it, closed at the end;
            a ``Client`` - used as it is and left open; a cluster object (anything with a
            ``scheduler_address``) - a client on it.
        workers: with ``client=None``, the number of worker processes.
    """
    distributed = _distributed()
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool)
                                or workers < 1):
        raise InvalidArgument(f"workers must be a whole number >= 1, not {workers!r}",
                              ErrorCode.EINVAL)
    if client is None:
        n = workers or len(os.sched_getaffinity(0)) or 1
        with local_cluster(n) as cl:
            with distributed.Client(cl, set_as_default=False) as c:
                yield c
        return
    if workers is not None:
        raise InvalidArgument("workers is for the local cluster (client=None); a cluster has "
                              "the workers it has", ErrorCode.EINVAL)
    if isinstance(client, distributed.Client):
        yield client
        return
    if isinstance(client, str) or hasattr(client, "scheduler_address"):
        with distributed.Client(client, set_as_default=False) as c:
            yield c
        return
    raise TypeError(f"client must be None, a scheduler address, a dask.distributed.Client or a "
                    f"cluster, not {type(client).__name__}")


#: The setting Dask starts its workers with that a sweep's local cluster leaves out.
TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"


@contextlib.contextmanager
def local_cluster(n_workers: int) -> Iterator[Any]:
    """A ``LocalCluster`` of ``n_workers`` processes of one thread each, started as a
    sweep wants them: without Dask's ``MALLOC_TRIM_THRESHOLD_=65536``.

    Dask sets that variable in every worker so that freed memory goes back to the system at
    once; glibc then also stops raising its mmap threshold, and every replay gets its few
    megabytes of bookkeeping from fresh pages and gives them back: about 700 page faults a
    replay of 200,000 bars, a third more time than the same replay in the client (measured:
    docs/performance.md). A worker of a sweep runs one replay after another of the same size,
    so it keeps glibc's default. A variable already set in the environment still wins, as
    Dask's own precedence has it."""
    import dask

    distributed = _distributed()
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ.pop(TRIM_VARIABLE, None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=logging.ERROR) as cl:
            yield cl


def slots(c: Any) -> int:
    """Task slots of the cluster now: the threads of all its workers."""
    return max(1, sum(c.nthreads().values()))


def default_chunk(n_jobs: int, n_slots: int) -> int:
    """Parameter sets per task when the caller does not say: about four tasks per slot, so
    a slow set or a lost worker does not leave the others idle, and few enough tasks that
    Dask's per-task cost (a few milliseconds: docs/performance.md) stays small beside a
    replay."""
    return max(1, math.ceil(n_jobs / (4 * n_slots)))


class Stop(Exception):
    """Raised inside :func:`run_jobs` when its ``stop`` event is set."""


class NoWorkers(RuntimeError):
    """A cluster without a single worker for too long while work was left."""


class ProgressBar:
    """A text progress bar on a terminal in the style of Dask's ``progress()``, counted in
    parameter sets, redrawn as chunks finish; nothing when the stream is not a terminal."""

    def __init__(self, total: int, stream: Any = None, width: int = 40, what: str = "sets") -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.what = what
        self.start = time.monotonic()
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        frac = done / total if total else 1.0
        bar = "#" * int(self.width * frac)
        elapsed = time.monotonic() - self.start
        self.stream.write(f"\r[{bar:<{self.width}}] | {int(100 * frac)}% Completed | "
                          f"{done} of {total} {self.what} | {elapsed:.1f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\33[2K\r")
            self.stream.flush()


def _version() -> str:
    return ffi.string(lib.paper_version()).decode()


def _versioned_chunk(version: str, bars: BarsInput, signals: SignalsInput,
                     lots: Mapping[str, Tuple[float, bool]], jobs: Sequence[Job]) -> Any:
    """A task: the chunk, after checking that this worker runs the client's libpaper (a
    host with another version would give other numbers)."""
    here = _version()
    if here != version:
        raise StateError(f"worker host {os.uname().nodename} runs libpaper {here}, the client "
                         f"{version}: every host of a sweep needs the same version",
                         ErrorCode.ESTATE)
    return run_chunk(bars, signals, lots, jobs)


def run_jobs(
    c: Any,
    bars: BarsInput,
    signals: SignalsInput,
    lots: Mapping[str, Tuple[float, bool]],
    jobs: Sequence[Job],
    results: MutableMapping[int, Any],
    *,
    chunk: Optional[int] = None,
    retries: int = 2,
    on_chunk: Optional[OnChunk] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    stop: Any = None,
    label: str = "sweep",
    no_workers_timeout: Optional[float] = None,
) -> None:
    """Run ``jobs`` on the client ``c``; ``results[job id]`` receives each result as its chunk
    finishes (so a caller interrupted half-way keeps what finished).

    Raises:
        Stop: ``stop.is_set()`` became true; unfinished tasks were cancelled.
        KeyboardInterrupt: the same, by Ctrl-C.
        PaperError: libpaper refused a job (the first one seen; the rest are cancelled), with
            a note naming the job.
        Whatever Dask raises when a task cannot be completed (``KilledWorker`` after a task
            took down several workers in a row).
        NoWorkers: ``no_workers_timeout`` seconds passed with work left and no worker (a
            local cluster whose workers died and were not restarted; a remote cluster may be
            waiting for workers to join, so callers leave it None there); or the scheduler
            cancelled a task because the scattered inputs died with every worker.
    """
    distributed = _distributed()
    if chunk is None:
        chunk = default_chunk(len(jobs), slots(c))
    elif not isinstance(chunk, int) or isinstance(chunk, bool) or chunk < 1:
        raise InvalidArgument(f"chunk must be a whole number >= 1, not {chunk!r}", ErrorCode.EINVAL)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise InvalidArgument(f"retries must be a whole number >= 0, not {retries!r}",
                              ErrorCode.EINVAL)
    total = len(jobs)
    done = sum(1 for j in jobs if j[0] in results)
    if progress is not None:
        progress(done, total)
    todo = [j for j in jobs if j[0] not in results]
    if not todo:
        return
    # Scattered with broadcast: one copy in every worker's memory, one deserialisation per
    # worker; the tasks receive that object. Paths are small: they travel with each task.
    bars_ref: Any = c.scatter(bars, broadcast=True, hash=False) if bars.in_memory else bars
    sig_ref: Any = c.scatter(signals, broadcast=True, hash=False) if signals.in_memory else signals
    token = uuid.uuid4().hex[:12]
    version = _version()
    futures = [
        c.submit(_versioned_chunk, version, bars_ref, sig_ref, dict(lots),
                 list(todo[i:i + chunk]), key=f"paperlib-{label}-{token}-{k}",
                 retries=retries, pure=False)
        for k, i in enumerate(range(0, len(todo), chunk))
    ]
    ac = distributed.as_completed(futures, loop=c.loop)
    checked = time.monotonic()
    alone_since: Optional[float] = None
    try:
        while not ac.is_empty():
            if stop is not None and stop.is_set():
                raise Stop()
            batch = ac.next_batch(block=False)
            if not batch:
                now = time.monotonic()
                if no_workers_timeout is not None and now - checked >= 1.0:
                    checked = now
                    if c.nthreads():
                        alone_since = None
                    elif alone_since is None:
                        alone_since = now
                    elif now - alone_since >= no_workers_timeout:
                        raise NoWorkers(f"paperlib {label}: the cluster has had no worker for "
                                        f"{no_workers_timeout:g} s with {total - done} of "
                                        f"{total} parameter sets left (did its workers die?)")
                time.sleep(0.01)
                continue
            for f in batch:
                try:
                    # Finished when as_completed said so, but a result held by a worker that
                    # died since must be computed again: never block on it, wait for it with
                    # the others (the stop and no-worker checks keep running).
                    rows = f.result(timeout=2.0)
                except TimeoutError:
                    ac.add(f)
                    continue
                except CancelledError:
                    # Not by us (we cancel only on the way out): the scheduler dropped the
                    # task, because the scattered inputs it needs died with every worker
                    # holding them (or the cluster was restarted).
                    raise NoWorkers(f"paperlib {label}: the cluster cancelled task {f.key}: its "
                                    f"in-memory inputs were lost with every worker that held "
                                    f"them, or the cluster was restarted ({total - done} of "
                                    f"{total} parameter sets left)") from None
                finished: List[Tuple[int, Any]] = []
                for job_id, ok, payload in rows:
                    if not ok:
                        if hasattr(payload, "add_note"):
                            payload.add_note(f"paperlib {label}: while running job {job_id}")
                        raise payload
                    results[job_id] = payload
                    finished.append((job_id, payload))
                done += len(finished)
                if on_chunk is not None:
                    on_chunk(finished)
                if progress is not None:
                    progress(done, total)
                # Checked after every chunk, not only between batches: the rest of a batch
                # may be all that was left, and a stop asked for must still stop the sweep.
                if stop is not None and stop.is_set() and done < total:
                    raise Stop()
    except BaseException:
        c.cancel([f for f in futures if not f.done()])
        raise
    finally:
        for ref in (bars_ref, sig_ref):
            if hasattr(ref, "release"):
                ref.release()
