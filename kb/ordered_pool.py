"""Run a pure function over many items in worker processes, ahead of a serial consumer.

``kb import`` renders Markdown (CPU-bound, pure) while its own process writes each file to the
database in order. :func:`map_ahead` hands items to a process pool in small chunks, keeps only a
bounded number of chunks in flight so memory stays flat when the consumer is the slower side,
and yields the results in the items' order. Should the pool break (a worker killed by the OOM
killer, say), the remaining items are computed in this process instead: slower, never lost.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Items per task sent to a worker, and how many tasks may be computed ahead per worker.
CHUNK = 8
CHUNKS_AHEAD_PER_WORKER = 4
MAX_WORKERS = 8


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def map_ahead(function: Callable[[Item], Result], items: Sequence[Item], workers: int, *,
              initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
              ) -> Iterator[Result]:
    """``map(function, items)`` computed by ``workers`` processes, yielded in order.

    ``function`` and ``initializer`` must be module-level (they are pickled by name). The
    initializer also runs here first, so the serial fallback sees the same state.
    """
    if initializer is not None:
        initializer(*initargs)
    chunks = iter([list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)])
    pool = ProcessPoolExecutor(min(workers, MAX_WORKERS), mp_context=_process_context(),
                               initializer=initializer, initargs=initargs)
    try:
        pending: deque[tuple[list[Item], Future]] = deque(
            (chunk, pool.submit(_apply, function, chunk))
            for chunk in islice(chunks, workers * CHUNKS_AHEAD_PER_WORKER))
        while pending:
            chunk, future = pending.popleft()
            try:
                done = future.result()
            except Exception:  # noqa: BLE001 - a broken pool: carry on without it
                rest = [chunk, *(waiting for waiting, _ in pending), *chunks]
                yield from (function(item) for part in rest for item in part)
                return
            for following in islice(chunks, 1):
                pending.append((following, pool.submit(_apply, function, following)))
            yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _apply(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def _process_context():
    """Fork where it is safe (no other thread to copy half-way through holding a lock): the
    workers then start at once, without importing kb again. Otherwise start them clean."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
