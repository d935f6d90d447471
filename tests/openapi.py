"""Check API responses against Mastodon's API schemas (tests/reference/).

``assert_conforms(response)`` finds the operation for the request's method and
path, the schema for its status code, and validates the JSON body with
JSON Schema 2020-12 (what OpenAPI 3.1 uses).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# Mastodon 4.7's client API, schemas only: tests/reference/README.md says where it comes from.
SPEC_PATH = Path(__file__).resolve().parent / "reference" / "mastodon-openapi-4.7.0.schemas.json"
SPEC_URI = "urn:mastodon-openapi"


@cache
def spec() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return _one_of_as_any_of(document)


def _one_of_as_any_of(node: Any) -> Any:
    """Read the document's ``oneOf`` as ``anyOf``.

    It says Status.quote is oneOf Quote or ShallowQuote, but every Quote also
    matches ShallowQuote (both need only ``state``), so no body could pass a
    strict oneOf. The alternatives are what matter, not their exclusivity.
    """
    if isinstance(node, dict):
        return {
            ("anyOf" if key == "oneOf" else key): _one_of_as_any_of(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_one_of_as_any_of(item) for item in node]
    return node


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for template in spec()["paths"]:
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal segments beat parameters: /accounts/lookup before /accounts/{id}.
    patterns.sort(key=lambda p: p[1].count("{"))
    return patterns


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]]:
    for pattern, template in _path_patterns():
        if pattern.match(path):
            operations = spec()["paths"][template]
            if method.lower() in operations:
                return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the Mastodon OpenAPI document")


def schema_for(method: str, path: str, status: int) -> dict[str, Any] | None:
    template, operation = operation_for(method, path)
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise AssertionError(
            f"{method} {template} has no documented {status} response "
            f"(documented: {', '.join(responses)})"
        )
    content = response.get("content", {}).get("application/json")
    return content.get("schema") if content else None


def validate(instance: Any, schema: dict[str, Any]) -> None:
    # Refs in the document are local ("#/components/..."): resolve them against it.
    validator = Draft202012Validator({"$id": SPEC_URI, **_wrap(schema)}, registry=_registry())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in errors[:10]
        ]
        raise AssertionError("response does not match the Mastodon schema:\n" + "\n".join(lines))


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    return {"allOf": [schema], "components": spec()["components"]}


def assert_conforms(response: httpx.Response, schema_name: str | None = None) -> Any:
    """Validate ``response`` against its documented schema (or ``schema_name``)."""
    body = response.json()
    if schema_name is not None:
        schema: dict[str, Any] | None = {"$ref": f"#/components/schemas/{schema_name}"}
    else:
        schema = schema_for(
            response.request.method, response.request.url.path, response.status_code
        )
    if schema is not None:
        validate(body, schema)
    return body
