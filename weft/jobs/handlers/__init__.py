"""Job handlers, one module per domain; importing this package registers them."""

from weft.jobs.handlers import mail, notifications, timelines  # noqa: F401
