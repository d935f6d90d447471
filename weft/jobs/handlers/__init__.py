"""Job handlers, one module per domain; importing this package registers them."""

from weft.jobs.handlers import cards, delivery, mail, media, notifications, timelines  # noqa: F401
