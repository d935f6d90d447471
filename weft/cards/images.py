"""The picture of a card: fetched through the guarded fetcher, re-encoded, stored.

Re-encoding from pixels (never serving the remote bytes) drops any metadata
and anything that is not really an image; the stored copy means readers'
clients never contact the linked site. Pillow blocks, so decoding runs in a
thread.
"""

from __future__ import annotations

import asyncio
import io
import warnings
from dataclasses import dataclass

import blurhash
from PIL import Image

from weft.config import Settings
from weft.media.storage import new_key, storage_for
from weft.net import FetchError, fetch

MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGE_TIMEOUT = 10.0
MAX_PIXELS = 40_000_000  # refuse before decoding: a small file can hold a huge canvas
CARD_BOX = (640, 640)  # Mastodon's preview cards are at most 640 wide
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic")


@dataclass(frozen=True)
class CardImage:
    data: bytes  # JPEG
    width: int
    height: int
    blurhash: str


def _process(data: bytes) -> CardImage | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.seek(0)
                image.load()
                rgb = image.convert("RGB")
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning):
        return None
    except Image.DecompressionBombError:
        return None
    rgb.thumbnail(CARD_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=85, optimize=True)
    return CardImage(out.getvalue(), rgb.width, rgb.height, _blurhash(rgb))


def _blurhash(image: Image.Image) -> str:
    small = image.copy()
    small.thumbnail((64, 64))
    with warnings.catch_warnings():
        # blurhash-python 1.2.2 reads pixels with Image.getdata, deprecated in Pillow 13.
        warnings.filterwarnings("ignore", "Image.Image.getdata", DeprecationWarning)
        hashed: str = blurhash.encode(small, x_components=4, y_components=3)
    return hashed


async def fetch_image(settings: Settings, url: str) -> CardImage | None:
    """The picture at ``url`` ready to store, or None if it cannot be had."""
    try:
        result = await fetch(
            url,
            settings=settings,
            max_bytes=MAX_IMAGE_BYTES,
            timeout=IMAGE_TIMEOUT,
            accept="image/*",
            content_types=_IMAGE_TYPES,
        )
    except FetchError:
        return None
    return await asyncio.to_thread(_process, result.body)


async def store_image(settings: Settings, card_id: int, image: CardImage) -> str:
    """Store the picture; returns its storage key."""
    key = new_key("cards", card_id, "image", "jpg")
    await storage_for(settings).put_bytes(key, image.data, "image/jpeg")
    return key


async def delete_image(settings: Settings, key: str) -> None:
    await storage_for(settings).delete(key)


def image_url(settings: Settings, key: str) -> str:
    return storage_for(settings).url(key)
