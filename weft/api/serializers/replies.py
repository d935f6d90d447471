"""Weft's fields of a status about its replies and archive (added to
Mastodon's entity; apps ignore what they do not know). Each is the same for
every viewer who may see the post, so it is part of the cached core."""

from __future__ import annotations

from typing import Any

from weft.models import Status
from weft.models.posts import REPLY_CONTROLS

# Weft's reply_policy as Threads' reply_control.
REPLY_CONTROL = {policy: control for control, policy in REPLY_CONTROLS.items()}


def reply_fields(status: Status) -> dict[str, Any]:
    return {
        "reply_policy": status.reply_policy,
        "reply_control": REPLY_CONTROL.get(status.reply_policy, status.reply_policy),
        "enable_reply_approvals": status.reply_approvals,
        # pending | ignored (seen by the replier and the replied-to), else None
        "reply_approval_status": status.reply_state,
        "archived": status.archived_at is not None,
    }
