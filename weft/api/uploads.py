"""Receiving an uploaded file: streamed to disk, capped, typed by its first bytes.

Starlette's ``request.form()`` would spool the whole body before we could look
at it. Here the multipart body is parsed as it arrives (python-multipart, the
parser Starlette uses): the ``file`` part goes straight to a temporary file,
its first bytes pick the size limit (16 MB for a photo, 1 GB for a video), and
a file over it is refused without reading it all. Text fields are small and
kept in memory.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from weft.api.params import FORM_ERRORS, unreadable_form
from weft.errors import BadRequest, Invalid
from weft.limits import VIDEO_SIZE_LIMIT
from weft.media.detect import SNIFF_BYTES, size_message, sniff
from weft.media.pillow import UNSUPPORTED

MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 16
# Room for the multipart framing around the largest file we take.
ENVELOPE_BYTES = 1024 * 1024
# After a file turns out too large, read (and drop) this much more so the
# client, still sending, gets our 422 rather than a reset connection.
DRAIN_BYTES = 64 * 1024 * 1024


@dataclass
class ReceivedUpload:
    """The ``file`` part on disk (None if none was sent) and the text fields."""

    directory: Path
    path: Path | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        for child in self.directory.iterdir():
            child.unlink(missing_ok=True)
        self.directory.rmdir()


@dataclass
class _Part:
    name: str = ""
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    """python-multipart callbacks; bytes for the file are queued for a thread to write."""

    def __init__(self, upload: ReceivedUpload) -> None:
        self.upload = upload
        self.part = _Part()
        self.parts = 0
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.headers: dict[bytes, bytes] = {}
        self.pending: list[bytes] = []
        self.file_bytes = 0
        self.limit = VIDEO_SIZE_LIMIT
        self.head = bytearray()
        self.error: Invalid | None = None

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadRequest(f"Too many form parts (maximum is {MAX_PARTS})")
        self.part, self.headers = _Part(), {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field, self.header_value = bytearray(), bytearray()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        self.part.is_file = self.part.name == "file"
        if self.part.is_file and self.upload.path is not None:
            raise Invalid("file", "must be sent once")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.error is not None:
            return  # draining a refused upload
        if not self.part.is_file:
            self.part.data += chunk
            if len(self.part.data) > MAX_FIELD_BYTES:
                raise Invalid(self.part.name or "body", "is too long")
            return
        self._file_data(chunk)

    def _file_data(self, chunk: bytes) -> None:
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._pick_limit()
        self.file_bytes += len(chunk)
        if self.file_bytes > self.limit:
            kind = sniff(bytes(self.head))
            message = size_message(kind) if kind else "is too large"
            self.error = Invalid("file", message, "ERR_TOO_LARGE")
            self.pending.clear()
            return
        self.pending.append(chunk)

    def _pick_limit(self) -> None:
        kind = sniff(bytes(self.head))
        if kind is None:
            self.error = Invalid("file", UNSUPPORTED, "ERR_UNSUPPORTED")
            self.pending.clear()
        else:
            self.limit = kind.size_limit

    def on_part_end(self) -> None:
        if not self.part.is_file:
            self.upload.fields[self.part.name] = self.part.data.decode("utf-8", "replace")


async def receive_upload(request: Request, tmp_root: Path) -> ReceivedUpload:
    """Parse a multipart upload into a fresh folder under ``tmp_root``.

    The caller must ``cleanup()`` the result. Raises Invalid naming ``file``
    for a file that is too large or of no type we take.
    """
    boundary = _boundary(request)
    upload = ReceivedUpload(await asyncio.to_thread(_new_directory, tmp_root))
    try:
        await _stream(request, boundary, upload)
    except BaseException:
        upload.cleanup()
        raise
    return upload


def _new_directory(tmp_root: Path) -> Path:
    tmp_root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="upload-", dir=tmp_root))


def _boundary(request: Request) -> bytes:
    content_type, options = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise Invalid("file", "must be sent as multipart/form-data")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > VIDEO_SIZE_LIMIT + ENVELOPE_BYTES:
        raise Invalid("file", "is too large: a video can be at most 1024 MB", "ERR_TOO_LARGE")
    return options[b"boundary"]


async def _stream(request: Request, boundary: bytes, upload: ReceivedUpload) -> None:
    receiver = _Receiver(upload)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    path = upload.directory / "file"
    drained = 0
    with path.open("wb") as out:
        async for chunk in request.stream():
            _write(parser, chunk)
            if receiver.error is not None:
                drained += len(chunk)
                if drained > DRAIN_BYTES:
                    break
            elif receiver.pending:
                await _flush(out, receiver.pending)
        if receiver.error is not None:
            raise receiver.error
        _write(parser, None)
    if receiver.file_bytes > 0 and len(receiver.head) < SNIFF_BYTES:
        receiver._pick_limit()  # a file shorter than the sniffing window
        if receiver.error is not None:
            raise receiver.error
    if receiver.file_bytes > 0:
        upload.path = path


def _write(parser: MultipartParser, chunk: bytes | None) -> None:
    """Feed ``chunk`` to the parser (None: the end), answering a malformed body
    as every form route does."""
    try:
        if chunk is None:
            parser.finalize()
        else:
            parser.write(chunk)
    except FORM_ERRORS as error:
        raise unreadable_form(error) from None


async def _flush(out: BinaryIO, pending: list[bytes]) -> None:
    data = b"".join(pending)
    pending.clear()
    await asyncio.to_thread(out.write, data)
