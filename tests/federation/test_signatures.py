"""HTTP signatures: draft-cavage as Mastodon does it, and RFC 9421."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms
from httpx import Request

from weft.federation.signatures import (
    BadSignature,
    DigestMismatch,
    ExpiredSignature,
    FutureSignature,
    InvalidDate,
    MalformedSignature,
    MissingSignature,
    MissingSignedHeader,
    SignatureError,
    UnsupportedAlgorithm,
    WeakSignature,
    check_digest,
    key_owner_matches,
    parse_signature_header,
    sign_request,
    verify_request,
)
from weft.federation.signatures_rfc9421 import sign_rfc9421, verify_rfc9421

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INBOX = "https://weft.example/users/bob/inbox"
KEY_ID = "https://mastodon.example/users/alice#main-key"
ALICE = "https://mastodon.example/users/alice"
BODY = json.dumps({"type": "Follow", "actor": ALICE, "object": "https://weft.example/users/bob"})


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def signed_post(
    key: rsa.RSAPrivateKey, body: bytes = BODY.encode(), at: datetime = NOW
) -> dict[str, str]:
    headers = {"Content-Type": "application/activity+json"}
    added = sign_request(
        "POST", INBOX, headers, body, key_id=KEY_ID, private_key_pem=private_pem(key), now=at
    )
    return {**headers, **added}


def hand_signed(
    key: rsa.RSAPrivateKey, headers: dict[str, str], lines: list[str], params: str
) -> dict[str, str]:
    """Sign the given lines ourselves, to build requests sign_request would never make."""
    raw = key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    signature = base64.b64encode(raw).decode()
    return {**headers, "Signature": f'{params},signature="{signature}"'}


def cavage_lines(headers: dict[str, str], names: list[str], target: str) -> list[str]:
    lower = {name.lower(): value for name, value in headers.items()}
    return [
        f"(request-target): {target}" if name == "(request-target)" else f"{name}: {lower[name]}"
        for name in names
    ]


# --- draft-cavage: round trip -------------------------------------------------------


def test_sign_then_verify_post(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    assert headers["Host"] == "weft.example"
    assert headers["Date"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert (
        headers["Digest"]
        == "SHA-256=" + base64.b64encode(hashlib.sha256(BODY.encode()).digest()).decode()
    )
    params = parse_signature_header(headers["Signature"])
    assert params.key_id == KEY_ID
    assert params.algorithm == "rsa-sha256"
    assert params.headers == ("(request-target)", "host", "date", "digest")
    verify_request(
        "POST",
        "/users/bob/inbox",
        headers,
        BODY.encode(),
        public_key_pem=public_pem(rsa_key),
        now=NOW,
    )


def test_sign_then_verify_get_with_query_and_port(rsa_key: rsa.RSAPrivateKey) -> None:
    url = "http://127.0.0.1:8001/users/bob/outbox?page=true"
    added = sign_request(
        "GET", url, {}, None, key_id=KEY_ID, private_key_pem=private_pem(rsa_key), now=NOW
    )
    assert added["Host"] == "127.0.0.1:8001"
    assert "Digest" not in added
    assert parse_signature_header(added["Signature"]).headers == (
        "(request-target)",
        "host",
        "date",
    )
    verify_request(
        "GET",
        "/users/bob/outbox?page=true",
        added,
        None,
        public_key_pem=public_pem(rsa_key),
        now=NOW,
    )


def test_mastodon_request_fixture_verifies() -> None:
    fixture = json.loads((FIXTURES / "mastodon_signed_follow.json").read_text())
    actor = fixture["actor"]
    verify_request(
        fixture["method"],
        fixture["path"],
        fixture["headers"],
        fixture["body"].encode(),
        public_key_pem=actor["publicKey"]["publicKeyPem"],
        now=datetime.fromisoformat(fixture["received_at"]),
    )
    key_id = parse_signature_header(fixture["headers"]["Signature"]).key_id
    assert key_owner_matches(key_id, actor["id"], actor)


def test_mastodon_fixture_with_tampered_body_is_refused() -> None:
    fixture = json.loads((FIXTURES / "mastodon_signed_follow.json").read_text())
    body = fixture["body"].replace("Follow", "Block").encode()
    with pytest.raises(DigestMismatch):
        verify_request(
            "POST",
            fixture["path"],
            fixture["headers"],
            body,
            public_key_pem=fixture["actor"]["publicKey"]["publicKeyPem"],
            now=datetime.fromisoformat(fixture["received_at"]),
        )


# --- draft-cavage: each failure has its error ----------------------------------------


def test_tampered_body_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    with pytest.raises(DigestMismatch, match="does not match"):
        verify_request(
            "POST", "/users/bob/inbox", headers, b"{}", public_key_pem=public_pem(rsa_key), now=NOW
        )


def test_tampered_digest_header_breaks_the_signature(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    headers["Digest"] = "SHA-256=" + base64.b64encode(hashlib.sha256(b"{}").digest()).decode()
    with pytest.raises(BadSignature):
        verify_request(
            "POST", "/users/bob/inbox", headers, b"{}", public_key_pem=public_pem(rsa_key), now=NOW
        )


def test_wrong_key_is_refused(rsa_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    with pytest.raises(BadSignature, match="does not verify"):
        verify_request(
            "POST",
            "/users/bob/inbox",
            headers,
            BODY.encode(),
            public_key_pem=public_pem(other_key),
            now=NOW,
        )


def test_other_path_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    with pytest.raises(BadSignature):
        verify_request(
            "POST", "/inbox", headers, BODY.encode(), public_key_pem=public_pem(rsa_key), now=NOW
        )


@pytest.mark.parametrize(
    ("received", "error"),
    [
        # Mastodon: expires = Date + 5 minutes, plus 1 hour of clock skew.
        (NOW + timedelta(hours=1, minutes=5, seconds=1), ExpiredSignature),
        (NOW + timedelta(hours=12), ExpiredSignature),
        (NOW - timedelta(hours=1, seconds=1), FutureSignature),
    ],
)
def test_date_outside_window_is_refused(
    rsa_key: rsa.RSAPrivateKey, received: datetime, error: type[SignatureError]
) -> None:
    headers = signed_post(rsa_key)
    with pytest.raises(error):
        verify_request(
            "POST",
            "/users/bob/inbox",
            headers,
            BODY.encode(),
            public_key_pem=public_pem(rsa_key),
            now=received,
        )


@pytest.mark.parametrize(
    "received",
    [NOW + timedelta(hours=1, minutes=5), NOW - timedelta(hours=1), NOW],
)
def test_date_inside_window_is_accepted(rsa_key: rsa.RSAPrivateKey, received: datetime) -> None:
    verify_request(
        "POST",
        "/users/bob/inbox",
        signed_post(rsa_key),
        BODY.encode(),
        public_key_pem=public_pem(rsa_key),
        now=received,
    )


def test_hs2019_expires_is_capped_at_twelve_hours(rsa_key: rsa.RSAPrivateKey) -> None:
    created = int(NOW.timestamp())
    expires = created + 48 * 3600
    headers = {"Host": "weft.example", "Digest": signed_post(rsa_key)["Digest"]}
    lines = [
        "(request-target): post /users/bob/inbox",
        "host: weft.example",
        f"(created): {created}",
        f"(expires): {expires}",
        f"digest: {headers['Digest']}",
    ]
    params = (
        f'keyId="{KEY_ID}",algorithm="hs2019",created={created},expires={expires},'
        'headers="(request-target) host (created) (expires) digest"'
    )
    signed = hand_signed(rsa_key, headers, lines, params)
    pem = public_pem(rsa_key)
    verify_request("POST", "/users/bob/inbox", signed, BODY.encode(), public_key_pem=pem, now=NOW)
    late = NOW + timedelta(hours=13, seconds=1)
    with pytest.raises(ExpiredSignature):
        verify_request(
            "POST", "/users/bob/inbox", signed, BODY.encode(), public_key_pem=pem, now=late
        )


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["(request-target)", "host", "digest"], "Date header or \\(created\\)"),
        (["host", "date"], "Digest header or \\(request-target\\)"),
        (["(request-target)", "date", "digest"], "Host header"),
        (["(request-target)", "host", "date"], "Digest header must be signed"),
    ],
)
def test_signature_must_cover_what_mastodon_requires(
    rsa_key: rsa.RSAPrivateKey, names: list[str], message: str
) -> None:
    headers = signed_post(rsa_key)
    del headers["Signature"]
    lines = cavage_lines(headers, names, "post /users/bob/inbox")
    params = f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{" ".join(names)}"'
    signed = hand_signed(rsa_key, headers, lines, params)
    with pytest.raises(WeakSignature, match=message):
        verify_request(
            "POST",
            "/users/bob/inbox",
            signed,
            BODY.encode(),
            public_key_pem=public_pem(rsa_key),
            now=NOW,
        )


def test_signed_header_missing_from_request(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace('digest"', 'digest content-type"')
    del headers["Content-Type"]
    with pytest.raises(MissingSignedHeader, match="content-type"):
        verify_request(
            "POST",
            "/users/bob/inbox",
            headers,
            BODY.encode(),
            public_key_pem=public_pem(rsa_key),
            now=NOW,
        )


def test_lower_case_digest_is_accepted(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    del headers["Signature"]
    headers["Digest"] = "sha-512=AAAA, sha-256=" + headers["Digest"].removeprefix("SHA-256=")
    names = ["(request-target)", "host", "date", "digest"]
    lines = cavage_lines(headers, names, "post /users/bob/inbox")
    params = f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{" ".join(names)}"'
    signed = hand_signed(rsa_key, headers, lines, params)
    verify_request(
        "POST",
        "/users/bob/inbox",
        signed,
        BODY.encode(),
        public_key_pem=public_pem(rsa_key),
        now=NOW,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "missing"),
        ("SHA-512=" + base64.b64encode(hashlib.sha512(b"x").digest()).decode(), "no SHA-256"),
        ("SHA-256=not base64!", "not valid base64"),
        ("sha-256=" + base64.b64encode(hashlib.sha256(b"y").digest()).decode(), "does not match"),
    ],
)
def test_digest_header_errors(value: str | None, message: str) -> None:
    with pytest.raises(DigestMismatch, match=message):
        check_digest(value, b"x")


def test_hs2019_is_accepted_as_rsa_sha256(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace('"rsa-sha256"', '"hs2019"')
    verify_request(
        "POST",
        "/users/bob/inbox",
        headers,
        BODY.encode(),
        public_key_pem=public_pem(rsa_key),
        now=NOW,
    )


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "rsa-sha1", "ed25519"])
def test_other_algorithms_are_refused(rsa_key: rsa.RSAPrivateKey, algorithm: str) -> None:
    headers = signed_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace('"rsa-sha256"', f'"{algorithm}"')
    with pytest.raises(UnsupportedAlgorithm):
        verify_request(
            "POST",
            "/users/bob/inbox",
            headers,
            BODY.encode(),
            public_key_pem=public_pem(rsa_key),
            now=NOW,
        )


def test_unsigned_request_is_refused() -> None:
    with pytest.raises(MissingSignature):
        verify_request("POST", "/inbox", {"Date": "x"}, b"{}", public_key_pem="", now=NOW)


def test_unreadable_date_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = signed_post(rsa_key)
    headers["Date"] = "yesterday"
    with pytest.raises(InvalidDate):
        verify_request(
            "POST",
            "/users/bob/inbox",
            headers,
            BODY.encode(),
            public_key_pem=public_pem(rsa_key),
            now=NOW,
        )


def test_request_target_without_query_is_accepted_for_old_mastodon(
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    headers = {"Host": "weft.example", "Date": "Sun, 01 Mar 2026 12:00:00 GMT"}
    names = ["(request-target)", "host", "date"]
    lines = cavage_lines(headers, names, "get /users/bob/outbox")
    signed = hand_signed(rsa_key, headers, lines, f'keyId="{KEY_ID}",headers="{" ".join(names)}"')
    verify_request(
        "GET", "/users/bob/outbox?page=1", signed, None, public_key_pem=public_pem(rsa_key), now=NOW
    )


# --- parsing -------------------------------------------------------------------------


def test_parse_is_tolerant_of_order_and_spaces() -> None:
    value = (
        ' signature = "c2lnbmF0dXJl" , headers="(Request-Target) Host Date",'
        ' keyId="https://a.example/actor#main-key", algorithm="RSA-SHA256",created=1402170695 '
    )
    params = parse_signature_header(value)
    assert params.key_id == "https://a.example/actor#main-key"
    assert params.algorithm == "rsa-sha256"
    assert params.headers == ("(request-target)", "host", "date")
    assert params.signature == b"signature"
    assert params.created == 1402170695
    assert params.expires is None


def test_parse_defaults_follow_draft_12() -> None:
    params = parse_signature_header('keyId="k",signature="c2ln"')
    assert (params.algorithm, params.headers) == ("hs2019", ("(created)",))


@pytest.mark.parametrize(
    "value",
    [
        'keyId="k"',
        'signature="c2ln"',
        'keyId="k",signature="not base64!"',
        'keyId="k",keyId="j",signature="c2ln"',
        'keyId="k" signature="c2ln"',
        'keyId="k",signature="c2ln",created=soon',
        'keyId="k,signature="c2ln"',
    ],
)
def test_parse_refuses_malformed_headers(value: str) -> None:
    with pytest.raises(MalformedSignature):
        parse_signature_header(value)


# --- key ownership ---------------------------------------------------------------------


ALICE_DOC: dict[str, Any] = {
    "id": ALICE,
    "type": "Person",
    "publicKey": {"id": KEY_ID, "owner": ALICE, "publicKeyPem": "..."},
}
SEPARATE_KEY = {"id": f"{ALICE}/main-key", "owner": ALICE, "publicKeyPem": "..."}
ALICE_WITH_SEPARATE_KEY = {**ALICE_DOC, "publicKey": f"{ALICE}/main-key"}


@pytest.mark.parametrize(
    ("key_id", "actor_id", "key_document", "actor_document", "expected"),
    [
        (KEY_ID, ALICE, ALICE_DOC, None, True),
        # The key is Alice's, but the activity claims to come from Mallory.
        (KEY_ID, "https://mastodon.example/users/mallory", ALICE_DOC, None, False),
        # Alice's document does not list this key.
        (f"{ALICE}#other-key", ALICE, ALICE_DOC, None, False),
        # A separate key document on the actor's server, owned by the actor.
        (f"{ALICE}/main-key", ALICE, SEPARATE_KEY, None, True),
        (f"{ALICE}/main-key", ALICE, SEPARATE_KEY, ALICE_WITH_SEPARATE_KEY, True),
        # The actor does not confirm the key that claims it.
        (f"{ALICE}/main-key", ALICE, SEPARATE_KEY, ALICE_DOC, False),
        # A key elsewhere claiming Alice, with no word from Alice.
        (
            "https://evil.example/key",
            ALICE,
            {"id": "https://evil.example/key", "owner": ALICE},
            None,
            False,
        ),
        # FEP-521a: controller, listed under assertionMethod.
        (
            "https://evil.example/key",
            ALICE,
            {"id": "https://evil.example/key", "controller": ALICE},
            {**ALICE_DOC, "assertionMethod": [{"id": "https://evil.example/key"}]},
            True,
        ),
        # The key document is not the key that signed.
        (KEY_ID, ALICE, SEPARATE_KEY, None, False),
    ],
)
def test_key_owner_matches(
    key_id: str,
    actor_id: str,
    key_document: dict[str, Any],
    actor_document: dict[str, Any] | None,
    expected: bool,
) -> None:
    assert (
        key_owner_matches(key_id, actor_id, key_document, actor_document=actor_document) is expected
    )


# --- RFC 9421 ---------------------------------------------------------------------------


def test_rfc9421_round_trip_rsa(rsa_key: rsa.RSAPrivateKey) -> None:
    body = BODY.encode()
    added = sign_rfc9421(
        "POST", INBOX, {}, body, key_id=KEY_ID, private_key_pem=private_pem(rsa_key), now=NOW
    )
    assert set(added) == {"Signature-Input", "Signature", "Content-Digest"}
    assert '"content-digest"' in added["Signature-Input"]
    verify_rfc9421("POST", INBOX, added, body, public_key_pem=public_pem(rsa_key), now=NOW)


@pytest.mark.parametrize("algorithm", ["rsa-pss-sha512", "ed25519"])
def test_rfc9421_other_algorithms(rsa_key: rsa.RSAPrivateKey, algorithm: str) -> None:
    key = ed25519.Ed25519PrivateKey.generate() if algorithm == "ed25519" else rsa_key
    added = sign_rfc9421(
        "GET",
        INBOX,
        {},
        None,
        key_id=KEY_ID,
        private_key_pem=private_pem(key),
        algorithm=algorithm,
        now=NOW,
    )
    verify_rfc9421("GET", INBOX, added, None, public_key_pem=public_pem(key), now=NOW)


def test_rfc9421_tampered_body_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    added = sign_rfc9421(
        "POST",
        INBOX,
        {},
        BODY.encode(),
        key_id=KEY_ID,
        private_key_pem=private_pem(rsa_key),
        now=NOW,
    )
    with pytest.raises(DigestMismatch):
        verify_rfc9421("POST", INBOX, added, b"{}", public_key_pem=public_pem(rsa_key), now=NOW)


def test_rfc9421_wrong_key_and_other_target_are_refused(
    rsa_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    body = BODY.encode()
    added = sign_rfc9421(
        "POST", INBOX, {}, body, key_id=KEY_ID, private_key_pem=private_pem(rsa_key), now=NOW
    )
    with pytest.raises(BadSignature):
        verify_rfc9421("POST", INBOX, added, body, public_key_pem=public_pem(other_key), now=NOW)
    with pytest.raises(BadSignature):
        verify_rfc9421(
            "POST",
            "https://other.example/inbox",
            added,
            body,
            public_key_pem=public_pem(rsa_key),
            now=NOW,
        )


def test_rfc9421_uses_the_same_window(rsa_key: rsa.RSAPrivateKey) -> None:
    added = sign_rfc9421(
        "GET", INBOX, {}, None, key_id=KEY_ID, private_key_pem=private_pem(rsa_key), now=NOW
    )
    pem = public_pem(rsa_key)
    with pytest.raises(ExpiredSignature):
        verify_rfc9421("GET", INBOX, added, None, public_key_pem=pem, now=NOW + timedelta(hours=2))
    with pytest.raises(FutureSignature):
        verify_rfc9421("GET", INBOX, added, None, public_key_pem=pem, now=NOW - timedelta(hours=2))


def test_rfc9421_unsigned_and_mismatched_key(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(MissingSignature):
        verify_rfc9421("GET", INBOX, {}, None, public_key_pem=public_pem(rsa_key), now=NOW)
    added = sign_rfc9421(
        "GET", INBOX, {}, None, key_id=KEY_ID, private_key_pem=private_pem(rsa_key), now=NOW
    )
    ed_pem = public_pem(ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(UnsupportedAlgorithm):
        verify_rfc9421("GET", INBOX, added, None, public_key_pem=ed_pem, now=NOW)


def test_rfc9421_must_cover_method_target_and_digest(rsa_key: rsa.RSAPrivateKey) -> None:
    resolver = MappingKeyResolver(public_keys={}, private_keys={KEY_ID: private_pem(rsa_key)})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=resolver
    )
    pem = public_pem(rsa_key)

    def signed(method: str, components: tuple[str, ...]) -> Request:
        request = httpx.Request(method, INBOX, content=BODY.encode() if method == "POST" else None)
        signer.sign(request, key_id=KEY_ID, created=NOW, covered_component_ids=components)
        return request

    only_authority = signed("GET", ("@authority",))
    with pytest.raises(WeakSignature, match="@method"):
        verify_rfc9421("GET", INBOX, only_authority.headers, None, public_key_pem=pem, now=NOW)
    no_target = signed("GET", ("@method", "@authority"))
    with pytest.raises(WeakSignature, match="@target-uri"):
        verify_rfc9421("GET", INBOX, no_target.headers, None, public_key_pem=pem, now=NOW)
    no_digest = signed("POST", ("@method", "@target-uri"))
    with pytest.raises(WeakSignature, match="Content-Digest"):
        verify_rfc9421("POST", INBOX, no_digest.headers, BODY.encode(), public_key_pem=pem, now=NOW)


@pytest.mark.parametrize(
    "signature_input",
    ["sig1=oops", "sig1=(", 'a=("@method");created=1, b=("@method");created=1'],
)
def test_rfc9421_malformed_signature_input(
    rsa_key: rsa.RSAPrivateKey, signature_input: str
) -> None:
    headers = {"Signature-Input": signature_input, "Signature": "sig1=:c2ln:"}
    with pytest.raises(MalformedSignature):
        verify_rfc9421("GET", INBOX, headers, None, public_key_pem=public_pem(rsa_key), now=NOW)
