"""The composer's form: what a browser posts to ``/compose``, read into drafts.

Field names (``templates/_composer.html`` writes them, ``static/compose.js``
sends the same ones):

- ``text-<i>``: the text of the thread's post ``i`` (0 is the first);
  ``posts`` says how many boxes the form had.
- ``media-<i>-<k>`` (a file) with ``alt-<i>-<k>`` (its description): the
  attachments of post ``i``, in the order of ``k``; ``slots`` is how many
  empty file inputs each box shows without JavaScript.
- ``spoiler_text``, ``visibility``, ``reply_policy``, ``reply_approvals``,
  ``quote_policy``, ``language``, ``sensitive`` apply to every post of the thread;
  ``in_reply_to_id`` and ``quoted_status_id`` to the first one.
- ``spoiler_media``: the photos and videos are blurred until tapped; in a
  box's text, ``||words||`` are a spoiler range (``unmarked``).
- ``poll-option-<k>`` (k from 0 to 3), ``poll_expires_in`` (seconds),
  ``poll_multiple``: a poll on the first post, when any option is filled in.
- ``text_attachment`` and ``link_attachment_url``: a long text (and its
  link) on the first post, when the text is filled in;
  ``text_attachment_styling``: its styles, a JSON list of Threads'
  ``text_with_styling_info`` ranges (``static/compose.js`` writes it from the
  style buttons; offsets and lengths in code points of the long text).
- ``topic_tag``: the first post's topic.
- ``is_ghost_post``: the first post is a ghost post (text only, gone after 24 hours).
- ``draft_id``: the draft the composer was opened from (``/drafts``); "Save
  draft" (the ``save_draft`` button) changes it, posting deletes it.
  ``kept_media`` (repeated: upload ids, in order) with ``kept_alt-<id>``: the
  draft's photos and videos the first post keeps (already uploaded, shown as
  thumbnails; a removed one is simply not sent), before any new files.
- ``idempotency_key``: written afresh with each composer the page shows
  (``static/compose.js`` draws a new one after each post it sends); the first
  post claims it, so the same form sent again gives back the same thread.
- The buttons ``add_post``, ``remove_post`` (its value: the box) and
  ``more_slots`` re-render the form instead of posting (the way to grow a
  thread without JavaScript).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from starlette.datastructures import FormData, UploadFile

from weft.actions.polls import PollDraft
from weft.actions.posts.compose import one_newline
from weft.actions.posts.post import MAX_IDEMPOTENCY_KEY, Draft
from weft.actions.spoilers import SpoilerRange
from weft.actions.text_attachments import STYLING, TextAttachment, read_attachment
from weft.errors import BadRequest, Invalid
from weft.limits import MAX_MEDIA_ATTACHMENTS, POLL_DEFAULT_EXPIRATION, POLL_MAX_OPTIONS
from weft.queries.accounts import parse_id
from weft.web.session import no_nul

# One post box is one post; a thread longer than this is more than a composer needs.
MAX_POSTS = 20
DEFAULT_SLOTS = 1
SLOTS_STEP = 4
_MEDIA_FIELD = re.compile(r"media-(\d{1,2})-(\d{1,3})")


@dataclass
class Attachment:
    """A chosen file and the alt text typed next to it."""

    file: UploadFile
    description: str


@dataclass
class Kept:
    """A photo or video already uploaded (a draft's), kept by the first post;
    ``preview`` is its thumbnail's address, filled in to draw the form."""

    id: str
    description: str
    preview: str = ""


@dataclass
class Box:
    """One post of the thread as typed."""

    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class ComposeForm:
    """The whole composer: its posts and the choices that apply to all of them."""

    boxes: list[Box] = field(default_factory=lambda: [Box()])
    spoiler_text: str = ""
    visibility: str = "public"
    reply_policy: str = "everyone"
    reply_approvals: bool = False
    quote_policy: str = "public"
    language: str = ""
    sensitive: bool = False
    in_reply_to_id: str = ""
    quoted_status_id: str = ""
    next: str = ""
    slots: int = DEFAULT_SLOTS
    idempotency_key: str = ""
    poll_options: list[str] = field(default_factory=lambda: [""] * POLL_MAX_OPTIONS)
    poll_expires_in: str = str(POLL_DEFAULT_EXPIRATION)
    poll_multiple: bool = False
    spoiler_media: bool = False
    text_attachment: str = ""
    link_attachment_url: str = ""
    topic_tag: str = ""
    ghost: bool = False
    draft_id: str = ""
    text_attachment_styling: str = ""
    kept: list[Kept] = field(default_factory=list)

    @property
    def file_count(self) -> int:
        return sum(len(box.attachments) for box in self.boxes)

    @property
    def kept_ids(self) -> tuple[int, ...]:
        return tuple(int(k.id) for k in self.kept)


def read_form(form: FormData) -> ComposeForm:
    """The posted form as typed; nothing is checked here but its shape."""
    fields = no_nul({k: v for k, v in form.items() if isinstance(v, str)})
    count = _bounded(fields.get("posts"), 1, MAX_POSTS, 1)
    boxes = [Box(text=fields.get(f"text-{i}", "")) for i in range(count)]
    for (index, position), upload in sorted(_files(form).items()):
        if index >= count:
            raise BadRequest(f"The file media-{index}-{position} belongs to no post of this form.")
        description = fields.get(f"alt-{index}-{position}", "")
        boxes[index].attachments.append(Attachment(upload, description))
    return ComposeForm(
        boxes=boxes,
        spoiler_text=fields.get("spoiler_text", ""),
        visibility=fields.get("visibility", "public"),
        reply_policy=fields.get("reply_policy", "everyone"),
        reply_approvals=fields.get("reply_approvals", "") not in ("", "0", "false"),
        quote_policy=fields.get("quote_policy", "public"),
        language=fields.get("language", ""),
        sensitive=fields.get("sensitive", "") not in ("", "0", "false"),
        in_reply_to_id=fields.get("in_reply_to_id", ""),
        quoted_status_id=fields.get("quoted_status_id", ""),
        next=fields.get("next", ""),
        slots=_bounded(fields.get("slots"), DEFAULT_SLOTS, MAX_MEDIA_ATTACHMENTS, DEFAULT_SLOTS),
        idempotency_key=_idempotency_key(fields.get("idempotency_key", "")),
        poll_options=[fields.get(f"poll-option-{k}", "") for k in range(POLL_MAX_OPTIONS)],
        poll_expires_in=fields.get("poll_expires_in", str(POLL_DEFAULT_EXPIRATION)),
        poll_multiple=fields.get("poll_multiple", "") not in ("", "0", "false"),
        spoiler_media=fields.get("spoiler_media", "") not in ("", "0", "false"),
        text_attachment=fields.get("text_attachment", ""),
        link_attachment_url=fields.get("link_attachment_url", "").strip(),
        topic_tag=fields.get("topic_tag", ""),
        ghost=fields.get("is_ghost_post", "") not in ("", "0", "false"),
        draft_id=fields.get("draft_id", ""),
        text_attachment_styling=fields.get("text_attachment_styling", ""),
        kept=_kept(form, fields),
    )


def _kept(form: FormData, fields: Mapping[str, str]) -> list[Kept]:
    """The draft's uploads the form keeps, in order, each once."""
    ids = [v for v in form.getlist("kept_media") if isinstance(v, str)]
    if len(ids) > MAX_MEDIA_ATTACHMENTS:
        raise BadRequest(f"The form keeps more than {MAX_MEDIA_ATTACHMENTS} photos and videos.")
    kept: dict[str, Kept] = {}
    for raw in ids:
        media_id = str(parse_id(raw))
        kept.setdefault(media_id, Kept(media_id, fields.get(f"kept_alt-{raw}", "")))
    return list(kept.values())


def _idempotency_key(key: str) -> str:
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise BadRequest(
            f"The form's idempotency_key is too long (maximum is {MAX_IDEMPOTENCY_KEY})."
        )
    return key


def _files(form: FormData) -> dict[tuple[int, int], UploadFile]:
    """Chosen files by (post, position); an empty file input (no file chosen) is skipped."""
    found: dict[tuple[int, int], UploadFile] = {}
    for name, value in form.multi_items():
        match = _MEDIA_FIELD.fullmatch(name)
        if match is None or not isinstance(value, UploadFile):
            continue
        if not value.filename and not value.size:
            continue
        key = (int(match.group(1)), int(match.group(2)))
        if key in found:
            raise BadRequest(f"The file field {name} was sent twice.")
        found[key] = value
    return found


def _bounded(raw: str | None, low: int, high: int, default: int) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit():
        return default
    return max(low, min(high, int(raw)))


def rearranged(form: ComposeForm, fields: Mapping[str, str]) -> ComposeForm | None:
    """The form after an "Add another post", "Remove" or "More slots" button, or
    None when the button pressed was "Post". Chosen files are not kept: a
    browser cannot put them back into a file input."""
    boxes = [Box(text=box.text) for box in form.boxes]
    if "add_post" in fields:
        if len(boxes) < MAX_POSTS:
            boxes.append(Box())
        return replace(form, boxes=boxes)
    if "remove_post" in fields:
        index = _bounded(fields["remove_post"], 0, len(boxes) - 1, -1)
        if len(boxes) > 1 and index >= 0:
            del boxes[index]
        return replace(form, boxes=boxes)
    if "more_slots" in fields:
        return replace(form, boxes=boxes, slots=min(MAX_MEDIA_ATTACHMENTS, form.slots + SLOTS_STEP))
    return None


def optional_id(raw: str) -> int | None:
    """A post id from a hidden field; an unknown one is "not found" (404)."""
    return parse_id(raw) if raw else None


def drafts(form: ComposeForm, media_ids: list[tuple[int, ...]]) -> list[Draft]:
    """One draft per box; ``media_ids[i]`` are box ``i``'s uploads."""
    shared = Draft(
        text="",
        visibility=form.visibility,
        reply_policy=form.reply_policy,
        reply_approvals=form.reply_approvals,
        quote_policy=form.quote_policy,
        spoiler_text=form.spoiler_text,
        sensitive=form.sensitive,
        language=form.language or None,
    )
    result = [
        replace(
            shared,
            text=unmarked(one_newline(box.text))[0],
            text_entities=unmarked(one_newline(box.text))[1],
            is_spoiler_media=form.spoiler_media and bool(ids),
            media_ids=ids,
        )
        for box, ids in zip(form.boxes, media_ids, strict=True)
    ]
    result[0] = replace(
        result[0],
        in_reply_to_id=optional_id(form.in_reply_to_id),
        quoted_status_id=optional_id(form.quoted_status_id),
        idempotency_key=form.idempotency_key or None,
        poll=_poll(form),
        text_attachment=_text_attachment(form),
        topic_tag=form.topic_tag or None,
        ghost=form.ghost,
    )
    return result


def _text_attachment(form: ComposeForm) -> TextAttachment | None:
    """The long text with its styles, read as the API reads Threads' object (a
    refusal names ``text_attachment[text_with_styling_info]``)."""
    if not form.text_attachment.strip():
        return None
    try:
        styling = json.loads(form.text_attachment_styling or "[]")
    except ValueError:
        raise Invalid(STYLING, "must be a list of styled ranges") from None
    raw = {
        "plaintext": one_newline(form.text_attachment),
        "link_attachment_url": form.link_attachment_url or None,
        "text_with_styling_info": styling,
    }
    return read_attachment(raw)


def _poll(form: ComposeForm) -> PollDraft | None:
    """The first post's poll: the options filled in, in order (none: no poll)."""
    options = tuple(o for o in form.poll_options if o.strip())
    if not options:
        return None
    seconds = form.poll_expires_in.strip()
    return PollDraft(
        options=options,
        expires_in=int(seconds) if seconds.isdigit() and len(seconds) < 10 else -1,
        multiple=form.poll_multiple,
    )


SPOILER_MARK = "||"


def marked(text: str, ranges: list[dict[str, int]]) -> str:
    """The reverse of ``unmarked``: ``text`` with its spoiler ranges between bars.

    >>> marked("The butler did it", [{"offset": 4, "length": 6}])
    'The ||butler|| did it'
    """
    pieces: list[str] = []
    at = 0
    for r in sorted(ranges, key=lambda r: r["offset"]):
        start, end = r["offset"], r["offset"] + r["length"]
        pieces += [text[at:start], SPOILER_MARK, text[start:end], SPOILER_MARK]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def unmarked(text: str) -> tuple[str, tuple[SpoilerRange, ...]]:
    """The composer's ``||hidden words||`` as the text without the bars and
    the spoiler ranges they marked (a bar left open stays as typed).

    >>> unmarked("The ||butler|| did it")
    ('The butler did it', (SpoilerRange(offset=4, length=6),))
    """
    pieces: list[str] = []
    ranges: list[SpoilerRange] = []
    length = 0
    rest = text
    while True:
        start = rest.find(SPOILER_MARK)
        end = rest.find(SPOILER_MARK, start + 2) if start >= 0 else -1
        if end < 0:
            pieces.append(rest)
            break
        before, hidden = rest[:start], rest[start + 2 : end]
        pieces.append(before)
        length += len(before)
        if hidden:
            ranges.append(SpoilerRange(length, len(hidden)))
            pieces.append(hidden)
            length += len(hidden)
        rest = rest[end + 2 :]
    return "".join(pieces), tuple(ranges)
