"""Make the test suite's copy of Mastodon's API schemas from a full reference document.

The tests validate Weft's answers against the schemas of Mastodon's client API,
as the open-source mastodon-openapi project publishes them. The full document
is mostly prose (descriptions, examples, links to the documentation); the
tests need only its facts: paths, methods, parameters, security scopes, status
codes and JSON schemas. This script keeps those and drops the rest:

    python tests/reference/regenerate.py PATH/TO/mastodon-openapi-4.7.0.json

writes ``tests/reference/mastodon-openapi-4.7.0.schemas.json`` beside it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Keys that carry prose or samples, wherever they appear outside a map of names.
PROSE = {"description", "summary", "example", "examples", "externalDocs", "tags", "links"}
# Maps whose keys are names chosen by the API (a property called "description"
# is a fact, not prose), so their keys are kept and only their values cleaned.
NAMED = {"properties", "patternProperties", "schemas", "$defs", "paths"}
OPERATION_KEYS = {"operationId", "deprecated", "security", "parameters", "requestBody", "responses"}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def strip(node: Any) -> Any:
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if key in PROSE or key.startswith("x-"):
            continue
        if key in NAMED and isinstance(value, dict):
            kept[key] = {name: strip(item) for name, item in value.items()}
        else:
            kept[key] = strip(value)
    return kept


def response(entry: dict[str, Any]) -> dict[str, Any]:
    """A response's JSON schema only (headers are the same rate-limit trio everywhere)."""
    content = entry.get("content", {})
    return {"content": {kind: strip(body) for kind, body in content.items() if "schema" in body}}


def operation(entry: dict[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in entry.items() if key in OPERATION_KEYS}
    kept["responses"] = {code: response(body) for code, body in kept["responses"].items()}
    return strip(kept)


def scopes_named(schemes: dict[str, Any]) -> dict[str, Any]:
    """The OAuth scheme with its scopes' names kept and their explanations dropped."""
    kept = strip(schemes)
    for scheme in kept.values():
        for flow in scheme.get("flows", {}).values():
            flow["scopes"] = dict.fromkeys(flow.get("scopes", {}), "")
    return kept


def schemas_only(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": document["openapi"],
        "info": {
            "title": document["info"]["title"],
            "version": document["info"]["version"],
            "x-source": (
                "Schemas only (no descriptions or examples), kept by tests/reference/regenerate.py "
                "from the OpenAPI document of the mastodon-openapi project (MIT licence), which is "
                "generated from Mastodon's documentation (GFDL-1.3)."
            ),
        },
        "paths": {
            path: {method: operation(op) for method, op in item.items() if method in METHODS}
            for path, item in document["paths"].items()
        },
        "components": {
            "schemas": strip(document["components"]["schemas"]),
            "securitySchemes": scopes_named(document["components"].get("securitySchemes", {})),
        },
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[1])
    document = json.loads(source.read_text())
    version = document["info"]["version"]
    target = HERE / f"mastodon-openapi-{version}.schemas.json"
    text = json.dumps(schemas_only(document), indent=1, sort_keys=True, ensure_ascii=False)
    target.write_text(text + "\n")
    print(f"wrote {target} ({len(text):,} bytes, {len(document['paths'])} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
