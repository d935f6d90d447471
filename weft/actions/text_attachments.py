"""Text attachments: one long text on a text-only post (Threads' ``text_attachment``).

``{"plaintext": ..., "link_attachment_url": ..., "text_with_styling_info":
[{"offset": n, "length": n, "styling_info": ["bold", ...]}]}``, offsets and
lengths in code points of the plaintext. Up to 10,000 characters, not with
media or a poll, and at most five links across the post and its attachment,
counted as Threads counts them: every different URL of the post's text and
the attachment's text, and the link attachment unless it is one of those.
Its HTML (``weft.text.styled``) follows the post's own in the Mastodon API
and in the Note other servers read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from weft import limits
from weft.errors import Invalid
from weft.text.entities import links
from weft.text.styled import STYLE_TAGS

FIELD = "text_attachment"
PLAINTEXT = f"{FIELD}[plaintext]"
LINK = f"{FIELD}[link_attachment_url]"
STYLING = f"{FIELD}[text_with_styling_info]"


@dataclass(frozen=True)
class StyledRange:
    offset: int
    length: int
    styles: tuple[str, ...]


@dataclass(frozen=True)
class TextAttachment:
    plaintext: str
    link_attachment_url: str | None = None
    styling: tuple[StyledRange, ...] = ()

    def stored(self) -> dict[str, Any]:
        return {
            "plaintext": self.plaintext,
            "link_attachment_url": self.link_attachment_url,
            "text_with_styling_info": [
                {"offset": r.offset, "length": r.length, "styling_info": list(r.styles)}
                for r in sorted(self.styling, key=lambda r: (r.offset, r.length))
            ],
        }


def read_attachment(raw: Any) -> TextAttachment | None:
    """An attachment as a client sent it (an object, already parsed from JSON
    or a form's ``text_attachment[...]`` fields); each refusal names its part."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise Invalid(FIELD, "must be an object with plaintext")
    plaintext = raw.get("plaintext")
    if not isinstance(plaintext, str):
        raise Invalid(PLAINTEXT, "must be text")
    link = raw.get("link_attachment_url")
    if link is not None and not isinstance(link, str):
        raise Invalid(LINK, "must be a link")
    styling_raw = raw.get("text_with_styling_info")
    if styling_raw is None or styling_raw == "":
        styling_raw = []
    if isinstance(styling_raw, Mapping):  # a form's indexed hash
        styling_raw = [styling_raw[k] for k in sorted(styling_raw, key=_index_key)]
    if not isinstance(styling_raw, list):
        raise Invalid(STYLING, "must be a list of styled ranges")
    if len(styling_raw) > limits.MAX_TEXT_ATTACHMENT_STYLES:
        raise Invalid(
            STYLING, f"can hold at most {limits.MAX_TEXT_ATTACHMENT_STYLES} styled ranges"
        )
    styling = tuple(_styled(item, f"{STYLING}[{i}]") for i, item in enumerate(styling_raw))
    return TextAttachment(plaintext, link or None, styling)


def _index_key(key: Any) -> tuple[int, str]:
    text = str(key)
    return (int(text), "") if text.isdigit() and len(text) < 10 else (2**31, text)


def _styled(item: Any, name: str) -> StyledRange:
    if not isinstance(item, Mapping):
        raise Invalid(name, "must be an object with offset, length and styling_info")
    offset, length = _whole(item.get("offset")), _whole(item.get("length"))
    if offset is None or offset < 0:
        raise Invalid(name, "offset must be a whole number, 0 or more")
    if length is None or length < 1:
        raise Invalid(name, "length must be a whole number, 1 or more")
    styles = item.get("styling_info")
    if isinstance(styles, str):
        styles = [styles]
    if not isinstance(styles, list) or not styles:
        raise Invalid(name, f"styling_info must list styles: {', '.join(STYLE_TAGS)}")
    for style in styles:
        if not isinstance(style, str) or style.lower() not in STYLE_TAGS:
            raise Invalid(name, f"styling_info must be among: {', '.join(STYLE_TAGS)}")
    ordered = tuple(s for s in STYLE_TAGS if s in {str(x).lower() for x in styles})
    return StyledRange(offset, length, ordered)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    return None


def check_text_attachment(
    text: str, attachment: TextAttachment | None, *, has_media: bool, has_poll: bool
) -> None:
    """Threads' rules for a post's text attachment (none: nothing to check)."""
    if attachment is None:
        return
    if has_media:
        raise Invalid(FIELD, "goes only on a text-only post: not with media_ids")
    if has_poll:
        raise Invalid(FIELD, "goes only on a text-only post: not with a poll")
    plaintext = attachment.plaintext
    if not plaintext.strip():
        raise Invalid(PLAINTEXT, "can't be blank")
    if len(plaintext) > limits.MAX_TEXT_ATTACHMENT_CHARACTERS:
        raise Invalid(
            PLAINTEXT,
            f"is too long ({len(plaintext)} characters; "
            f"the most is {limits.MAX_TEXT_ATTACHMENT_CHARACTERS})",
        )
    for index, styled in enumerate(attachment.styling):
        if styled.offset + styled.length > len(plaintext):
            raise Invalid(
                f"{STYLING}[{index}]",
                f"offset {styled.offset} and length {styled.length} go past the end "
                f"of the plaintext ({len(plaintext)} characters)",
            )
    link = attachment.link_attachment_url
    if link is not None:
        _check_link(link)
    count = link_count(text, attachment)
    if count > limits.MAX_POST_LINKS:
        raise Invalid(
            FIELD,
            f"brings the post to {count} links; the most across the post and its "
            f"text attachment is {limits.MAX_POST_LINKS}",
        )


def _check_link(link: str) -> None:
    if len(link) > limits.MAX_LINK_ATTACHMENT_URL:
        raise Invalid(LINK, f"is too long (the most is {limits.MAX_LINK_ATTACHMENT_URL})")
    try:
        parts = urlsplit(link)
    except ValueError:
        raise Invalid(LINK, "must be an http or https link") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Invalid(LINK, "must be an http or https link")
    if any(ch.isspace() for ch in link):
        raise Invalid(LINK, "must be an http or https link")


def link_count(text: str, attachment: TextAttachment) -> int:
    """Different URLs across the post's text and the attachment's, and the link
    attachment when it is not already one of them (Threads' count)."""
    urls = {*links(text), *links(attachment.plaintext)}
    if attachment.link_attachment_url:
        urls.add(attachment.link_attachment_url)
    return len(urls)


def stored_attachment(attachment: TextAttachment | None) -> dict[str, Any] | None:
    return attachment.stored() if attachment is not None else None


def remote_attachment(raw: Any) -> dict[str, Any] | None:
    """An attachment as another Weft server sent it, checked as ours are
    (anything malformed: none, and the Note's content still holds the text)."""
    try:
        attachment = read_attachment(raw)
        if attachment is None:
            return None
        check_text_attachment("", attachment, has_media=False, has_poll=False)
    except Invalid:
        return None
    return attachment.stored()
