"""The durable job queue (see docs/architecture.md)."""

from weft.jobs.queue import enqueue
from weft.jobs.registry import JobContext, job

__all__ = ["JobContext", "enqueue", "job"]
