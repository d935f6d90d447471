"""Job handlers, one module per domain; importing this package registers them."""

from weft.jobs.handlers import mail, timelines  # noqa: F401
