"""Outgoing HTTP: every fetch of a remote URL goes through ``weft.net.fetch``.

See docs/decisions/0008-remote-fetches.md.
"""

from weft.net.fetch import (
    BadScheme,
    BlockedAddress,
    ConnectFailed,
    FetchError,
    FetchResult,
    Guard,
    HTTPStatus,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnwantedType,
    fetch,
    is_public_address,
    json_body,
)

__all__ = [
    "BadScheme",
    "BlockedAddress",
    "ConnectFailed",
    "FetchError",
    "FetchResult",
    "Guard",
    "HTTPStatus",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "UnwantedType",
    "fetch",
    "is_public_address",
    "json_body",
]
