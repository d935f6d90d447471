"""Filters as the document shows them (Mastodon's Filter, FilterKeyword,
FilterStatus, FilterResult and the deprecated v1 filter)."""

from __future__ import annotations

from pydantic import Field

from weft.api.schemas import Entity


class FilterKeyword(Entity):
    id: str
    keyword: str
    whole_word: bool = Field(description="Match at word boundaries only.")


class FilterStatus(Entity):
    id: str
    status_id: str


class Filter(Entity):
    id: str
    title: str
    context: list[str] = Field(
        description="Where it applies: home, notifications, public, thread, account."
    )
    expires_at: str | None
    filter_action: str = Field(description="warn, hide or blur.")
    keywords: list[FilterKeyword] | None = Field(None, description="Omitted in a FilterResult.")
    statuses: list[FilterStatus] | None = Field(None, description="Omitted in a FilterResult.")


class FilterResult(Entity):
    filter: Filter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


class V1Filter(Entity):
    """Mastodon's deprecated v1 filter: one keyword of a filter, with its settings."""

    id: str
    phrase: str
    context: list[str]
    whole_word: bool
    expires_at: str | None
    irreversible: bool = Field(description="The filter hides (action hide).")
