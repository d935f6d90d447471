"""Filter entities (Mastodon's Filter, FilterKeyword, FilterStatus,
FilterResult and the v1 filter), and ``Filtering``: a person's filters
applied to the posts of one list (weft/policies/filters.py says how)."""

from __future__ import annotations

from typing import Any, Protocol

from weft.api.serializers.accounts import iso
from weft.db.database import Database
from weft.models import Filter, FilterKeyword, FilterStatus
from weft.models.base import utcnow
from weft.policies.filters import FilterRule, Match, ViewerFilters, hides, post_text
from weft.queries.filters import FilterView, viewer_filters


def keyword_entity(keyword: FilterKeyword) -> dict[str, Any]:
    return {"id": str(keyword.id), "keyword": keyword.keyword, "whole_word": keyword.whole_word}


def filter_status_entity(status: FilterStatus) -> dict[str, Any]:
    return {"id": str(status.id), "status_id": str(status.status_id)}


def filter_entity(view: FilterView) -> dict[str, Any]:
    row = view.filter
    return {
        "id": str(row.id),
        "title": row.title,
        "context": list(row.context),
        "expires_at": iso(row.expires_at),
        "filter_action": row.action,
        "keywords": [keyword_entity(k) for k in view.keywords],
        "statuses": [filter_status_entity(s) for s in view.statuses],
    }


def v1_filter_entity(keyword: FilterKeyword, parent: Filter) -> dict[str, Any]:
    """Mastodon's deprecated v1 filter: one keyword with its filter's settings."""
    return {
        "id": str(keyword.id),
        "phrase": keyword.keyword,
        "context": list(parent.context),
        "whole_word": keyword.whole_word,
        "expires_at": iso(parent.expires_at),
        "irreversible": parent.action == "hide",
    }


def _rule_entity(rule: FilterRule) -> dict[str, Any]:
    # In a FilterResult the filter comes without its keywords and posts.
    return {
        "id": str(rule.id),
        "title": rule.title,
        "context": list(rule.context),
        "expires_at": iso(rule.expires_at),
        "filter_action": rule.action,
    }


def result_entities(matches: list[Match]) -> list[dict[str, Any]]:
    """The ``filtered`` field of a Status entity."""
    return [
        {
            "filter": _rule_entity(m.rule),
            "keyword_matches": list(m.keywords) or None,
            "status_matches": [str(s) for s in m.statuses] or None,
        }
        for m in matches
    ]


class _Post(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def reblog_of_id(self) -> int | None: ...


class _Texts(Protocol):
    def post(self, status_id: int) -> Any: ...

    def filter_text(self, post: Any) -> str: ...


class Filtering:
    """A viewer's filters for one list (``context``: home, public, thread,
    account, notifications; None for a post asked for by itself). Matches
    are worked out once per post; a repost is judged by its original."""

    def __init__(self, filters: ViewerFilters | None, context: str | None) -> None:
        self.filters = filters if filters is not None and not filters.empty else None
        self.context = context
        self.now = utcnow()
        self._found: dict[int, list[Match]] = {}

    def matches(self, post: _Post, view: _Texts) -> list[Match]:
        if self.filters is None:
            return []
        target = view.post(post.reblog_of_id) if post.reblog_of_id else None
        target = target or post
        found = self._found.get(target.id)
        if found is None:
            text = view.filter_text(target)
            found = self.filters.matches(target.id, target.account_id, text, self.context, self.now)
            self._found[target.id] = found
        return found

    def hidden(self, post: _Post, view: _Texts) -> bool:
        """Whether the list leaves the post out (a ``hide`` filter matched)."""
        return self.context is not None and hides(self.matches(post, view))

    def entity_matches(self, entity: dict[str, Any]) -> list[Match]:
        """Matches for a rendered Status entity (a stream's payload)."""
        if self.filters is None:
            return []
        target = entity.get("reblog") or entity
        return self.filters.matches(
            int(target["id"]),
            int(target["account"]["id"]),
            post_text(target),
            self.context,
            self.now,
        )


async def filtering_for(
    db: Database, viewer_id: int | None, context: str | None
) -> Filtering | None:
    """The viewer's filters for a list in ``context`` (None for nobody signed in)."""
    filters = await viewer_filters(db, viewer_id)
    return Filtering(filters, context) if filters is not None else None
