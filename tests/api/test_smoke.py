from __future__ import annotations

import httpx


def test_instance_answers(client: httpx.Client) -> None:
    response = client.get("/api/v2/instance")
    assert response.status_code == 200
    assert response.json()["configuration"]["statuses"]["max_characters"] == 500


def test_instance_matches_the_mastodon_schema(client: httpx.Client) -> None:
    from tests.openapi import assert_conforms

    assert_conforms(client.get("/api/v2/instance"))
    assert_conforms(client.get("/api/v1/instance"))
    assert_conforms(client.get("/api/v1/accounts/12345"))


def test_the_openapi_document_is_served_without_warnings(client: httpx.Client) -> None:
    # Warnings are errors in the tests: a duplicate operation id made this a 500.
    response = client.get("/openapi.json")
    assert response.status_code == 200
    operations = [
        op["operationId"] for item in response.json()["paths"].values() for op in item.values()
    ]
    assert len(operations) == len(set(operations))
