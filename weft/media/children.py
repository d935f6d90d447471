"""Media work in child processes: a few at a time, each within a CPU budget.

Decoding holds far more memory than a file's size (an 8192x8192 PNG of a few
hundred KB is 268 MB of pixels), and memory a process has once taken is
seldom handed back: run in the server's own threads, four large photos left
4 GB held after they were done. So every photo and video is processed in a
child process forked for that one job (from a small fork server that has the
media libraries imported, so a fork costs milliseconds, not an import), and
everything the job took is returned when the child exits.

Children run in two lanes, photos and videos, each with its own number of
slots (``WEFT_MEDIA_PHOTO_WORKERS``, ``WEFT_MEDIA_VIDEO_WORKERS``), so a long
transcode never holds up a photo. The number is per Weft process. Each child
has RLIMIT_CPU set to its lane's budget: at the budget the kernel sends
SIGXCPU, which ends the job with a clear error; a child still running a few
seconds later (stuck inside C code) is killed by the kernel's hard limit. The
caller then removes the job's folder, so nothing half-written is kept.

>>> outputs = await run_in_child(photo_lane(settings), produce, src, work_dir)
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import resource
import signal
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any, TypeVar

from weft.config import Settings
from weft.errors import Invalid

log = logging.getLogger(__name__)

T = TypeVar("T")

# The fork server imports these once; each child starts with them loaded.
# "__main__" too (the `weft` script, when it is one), or multiprocessing would
# run it again in every child.
PRELOAD = ["__main__", "weft.media.process"]
# A photo that needs more than this is not a photo anyone took.
PHOTO_CPU_SECONDS = 60
# SIGXCPU first, then this long to stop cleanly before the kernel's SIGKILL.
GRACE_SECONDS = 5
NOT_PROCESSED = "could not be processed"

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)


@dataclass(frozen=True)
class Lane:
    """Photos or videos: how many children at once, and each one's CPU budget."""

    name: str
    slots: int
    cpu_seconds: int


@dataclass(frozen=True)
class Usage:
    """What one child cost: its peak resident memory and its CPU time."""

    peak_rss_bytes: int
    cpu_seconds: float


def photo_lane(settings: Settings) -> Lane:
    return Lane("photo", settings.media_photo_workers, PHOTO_CPU_SECONDS)


def video_lane(settings: Settings) -> Lane:
    return Lane("video", settings.media_video_workers, settings.media_video_cpu_seconds)


def over_budget(lane: Lane) -> str:
    what = "photo" if lane.name == "photo" else "video"
    return f"took too long to process: a {what} may take at most {lane.cpu_seconds} CPU seconds"


async def run_in_child(lane: Lane, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a fresh child process, when the lane has a free slot.

    ``fn`` and its arguments are pickled (a module-level function, paths, flags);
    Invalid raised in the child is raised here; a job over the CPU budget, or a
    child that dies, raises Invalid("file", ...) too.
    """
    async with _semaphore(lane):
        return await _run(lane, fn, args, kwargs)


async def _run(lane: Lane, fn: Callable[..., T], args: Any, kwargs: Any) -> T:
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_child, args=(sender, lane.cpu_seconds, fn, args, kwargs), daemon=True
    )
    try:
        # The first start also starts the fork server (an import of the media
        # libraries): off the event loop.
        await asyncio.to_thread(process.start)
        sender.close()
        await _readable(receiver.fileno())
        try:
            # A result larger than the pipe (an avatar's bytes) comes in several
            # writes: the rest is waited for in a thread, not on the event loop.
            outcome, value, usage = await asyncio.to_thread(_receive, receiver)
        except EOFError:  # the child died without a word: killed, or out of memory
            outcome, value, usage = _died(process), None, None
        await _readable(process.sentinel)
    except BaseException:
        # Cancelled (a client went away): the work is no longer wanted.
        if process.pid is not None:
            process.kill()
        raise
    finally:
        if process.pid is not None:
            process.join()
            process.close()
        receiver.close()
    if usage is not None:
        log.info(
            "media %s child: peak %d MB, %.2f CPU s",
            lane.name,
            usage.peak_rss_bytes // (1024 * 1024),
            usage.cpu_seconds,
            extra={"media_usage": usage, "media_lane": lane.name},
        )
    if outcome == "ok":
        done: T = value
        return done
    raise _failure(lane, outcome, value)


def _receive(receiver: Connection) -> Any:
    os.set_blocking(receiver.fileno(), True)
    return receiver.recv()


def _failure(lane: Lane, outcome: str, value: Any) -> Invalid:
    if outcome == "invalid":
        field, description, code = value
        return Invalid(field, description, code)
    if outcome == "over":
        return Invalid("file", over_budget(lane), "ERR_TOO_LARGE")
    log.warning("media %s child failed: %s", lane.name, value or outcome)
    return Invalid("file", NOT_PROCESSED, "ERR_UNSUPPORTED")


def _died(process: Any) -> str:
    process.join()
    killed_by = -process.exitcode if process.exitcode and process.exitcode < 0 else 0
    return "over" if killed_by in (signal.SIGXCPU, signal.SIGKILL) else "died"


async def _readable(fd: int) -> None:
    """Wait, on the event loop, until ``fd`` can be read (data, end of file, or exit)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


# asyncio's Semaphore belongs to the loop that first waits on it; tests run many.
_SEMAPHORES: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, int], asyncio.Semaphore]
] = weakref.WeakKeyDictionary()


def _semaphore(lane: Lane) -> asyncio.Semaphore:
    per_loop = _SEMAPHORES.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault((lane.name, lane.slots), asyncio.Semaphore(lane.slots))


# --- in the child -------------------------------------------------------------------


class _OverBudget(BaseException):
    """Not an Exception: the job's own ``except Exception`` must not swallow it."""


def _on_cpu_limit(signum: int, frame: FrameType | None) -> None:
    raise _OverBudget


def _child(
    conn: Connection, cpu_seconds: int, fn: Callable[..., Any], args: Any, kwargs: Any
) -> None:
    signal.signal(signal.SIGXCPU, _on_cpu_limit)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + GRACE_SECONDS))
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", fn(*args, **kwargs))
    except _OverBudget:
        outcome = ("over", None)
    except Invalid as error:
        outcome = ("invalid", (error.field, error.description, error.code))
    except Exception as error:  # reported to the parent, which logs it
        outcome = ("error", f"{type(error).__name__}: {error}")
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # it repeats each second past the budget
    used = resource.getrusage(resource.RUSAGE_SELF)
    usage = Usage(used.ru_maxrss * 1024, used.ru_utime + used.ru_stime)
    conn.send((*outcome, usage))
    conn.close()
