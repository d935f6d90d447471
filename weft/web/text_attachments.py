"""A post's text attachment in the web app: the entity's ``content`` holds the
post's HTML and then the attachment's (as Mastodon's apps read it); the web
app shows the post's own part, and the attachment behind "Read more"."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from weft.text.styled import attachment_html


def own_content(status: dict[str, Any]) -> str:
    """The post's HTML without its attachment's."""
    content = str(status.get("content") or "")
    attachment = status.get("text_attachment")
    if not attachment:
        return content
    tail = attachment_html(attachment)
    return content[: len(content) - len(tail)] if content.endswith(tail) else content


def attachment_markup(attachment: dict[str, Any]) -> Markup:
    # Rendered from the stored structure, escaped and then sanitized (weft.text.styled).
    return Markup(attachment_html(attachment))  # noqa: S704
