"""Reading incoming ActivityStreams as compacted JSON-LD, with shipped contexts.

Incoming documents are read as JSON compacted against the ActivityStreams
context (what every server we talk to sends); we never run a JSON-LD
processor and never fetch a context at run time. The contexts we know
(ActivityStreams, security v1, and Mastodon's, Misskey's, Fedibird's and
FEP-044f's extension terms) are files in ``weft/federation/contexts/``; they
turn the spellings of one term into one name: ``as:Public``, ``Public`` and
``https://www.w3.org/ns/activitystreams#Public`` are all the public
collection, ``as:Note`` is ``Note``. See docs/decisions/0014-json-ld.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

AS_NAMESPACE = "https://www.w3.org/ns/activitystreams#"
PUBLIC = AS_NAMESPACE + "Public"
CONTEXT_FILES = ("activitystreams.jsonld", "security-v1.jsonld", "extensions.jsonld")


@cache
def _definitions() -> tuple[dict[str, str], dict[str, str]]:
    """``(prefixes, terms)``: prefix -> namespace IRI, term -> full IRI."""
    prefixes: dict[str, str] = {}
    raw_terms: dict[str, str] = {}
    for name in CONTEXT_FILES:
        text = resources.files("weft.federation").joinpath("contexts", name).read_text("utf-8")
        context = json.loads(text)["@context"]
        for term, definition in context.items():
            iri = definition.get("@id") if isinstance(definition, Mapping) else definition
            if not isinstance(iri, str) or iri.startswith("@") or term.startswith("@"):
                continue
            if iri.endswith(("#", "/")) and ":" in iri and "://" in iri:
                prefixes[term] = iri
            else:
                raw_terms[term] = iri
    terms = {term: _expand_prefix(iri, prefixes) for term, iri in raw_terms.items()}
    return prefixes, terms


def _expand_prefix(value: str, prefixes: Mapping[str, str]) -> str:
    prefix, colon, rest = value.partition(":")
    if colon and not rest.startswith("//") and prefix in prefixes:
        return prefixes[prefix] + rest
    return value


def expand(value: str) -> str:
    """The full IRI of a term (``Note``), a compact IRI (``as:Note``) or an IRI."""
    prefixes, terms = _definitions()
    if value in terms:
        return terms[value]
    return _expand_prefix(value, prefixes)


@cache
def _names() -> dict[str, str]:
    """Full IRI -> the short term the ActivityStreams context gives it."""
    _, terms = _definitions()
    names: dict[str, str] = {}
    for term, iri in terms.items():
        names.setdefault(iri, term)
    return names


def term(value: str) -> str:
    """The short name of any spelling of a known term (``as:Note`` -> ``Note``);
    an unknown IRI is returned whole."""
    iri = expand(value)
    return _names().get(iri, iri)


def types(document: Mapping[str, Any]) -> set[str]:
    """The short names of a document's ``type`` (a string or a list)."""
    value = document.get("type")
    values = value if isinstance(value, list) else [value]
    return {term(v) for v in values if isinstance(v, str)}


def is_public(value: str) -> bool:
    return expand(value) == PUBLIC


def ids(value: Any) -> list[str]:
    """The ids in a value that may be an id, an object with ``id``, or a list of them."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            found.append(item["id"])
    return found


def first_id(value: Any) -> str | None:
    found = ids(value)
    return found[0] if found else None


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The embedded objects in a value that may be one object or a list."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]
