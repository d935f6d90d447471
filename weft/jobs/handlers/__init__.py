"""Job handlers, one module per domain; importing this package registers them."""

from weft.jobs.handlers import (  # noqa: F401
    cards,
    delivery,
    inbox,
    mail,
    media,
    notifications,
    polls,
    posts,
    purge,
    push,
    timelines,
)
