"""RFC 9421 HTTP Message Signatures: verify (and sign) with ``http-message-signatures``.

Mastodon accepts these next to draft-cavage; we check what it checks:
``created`` is present and inside the same window as the Date of a cavage
signature, the signature covers ``@method`` and the target (``@target-uri``, or
``@authority`` with ``@path``), and a request with a body covers a
``Content-Digest`` (RFC 9530) that matches it. The algorithm comes from the
``alg`` parameter when present, otherwise from the key: RSA keys mean
RSASSA-PKCS1-v1_5 with SHA-256 (as Mastodon assumes), Ed25519 keys Ed25519.

>>> extra = sign_rfc9421("POST", "https://b.example/inbox", {}, body,
...                      key_id="https://a.example/users/alice#main-key", private_key_pem=pem)
>>> sorted(extra)
['Content-Digest', 'Signature', 'Signature-Input']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import http_sf
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureAlgorithm,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from weft.federation.signatures import (
    BadSignature,
    DigestMismatch,
    Headers,
    MalformedSignature,
    MissingSignature,
    SignatureError,
    UnsupportedAlgorithm,
    WeakSignature,
    check_time_window,
)

ALGORITHMS: dict[str, type[HTTPSignatureAlgorithm]] = {
    algorithm.algorithm_id: algorithm
    for algorithm in (algorithms.RSA_V1_5_SHA256, algorithms.RSA_PSS_SHA512, algorithms.ED25519)
}
_KEY_TYPES: dict[str, type[Any]] = {
    "rsa-v1_5-sha256": rsa.RSAPublicKey,
    "rsa-pss-sha512": rsa.RSAPublicKey,
    "ed25519": ed25519.Ed25519PublicKey,
}
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey


@dataclass
class _Request:
    """The message shape the library reads: method, absolute URL, headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


# --- signing (tests, and outgoing requests once peers expect it) ----------------


def sign_rfc9421(
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    *,
    key_id: str,
    private_key_pem: str | bytes,
    algorithm: str = "rsa-v1_5-sha256",
    now: datetime | None = None,
) -> dict[str, str]:
    """Return ``Signature-Input``, ``Signature`` (and ``Content-Digest`` for a body).

    Covers ``@method``, ``@target-uri`` and, with a body, ``content-digest``.
    """
    request = _Request(method.upper(), url, dict(headers))
    resolver = MappingKeyResolver(
        public_keys={},
        private_keys={key_id: _pem(private_key_pem)},
    )
    signer = HTTPMessageSigner(signature_algorithm=ALGORITHMS[algorithm], key_resolver=resolver)
    signer.sign(
        request,
        key_id=key_id,
        created=now or datetime.now(UTC),
        label="sig1",
        covered_component_ids=("@method", "@target-uri"),
        body=body if body or method.upper() == "POST" else None,
    )
    wanted = {"signature-input", "signature", "content-digest"}
    return {name: value for name, value in request.headers.items() if name.lower() in wanted}


def _pem(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


# --- verifying ------------------------------------------------------------------


class _WindowVerifier(HTTPMessageVerifier):
    """The library's verifier with Mastodon's time window instead of its own."""

    now: datetime | None = None

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        params = sig_input.params
        if type(params.get("created")) is not int:
            raise WeakSignature("RFC 9421 signature has no created parameter")
        expires = params.get("expires")
        check_time_window(
            datetime.fromtimestamp(params["created"], UTC),
            datetime.fromtimestamp(expires, UTC) if type(expires) is int else None,
            now=self.now,
        )


def _signature_params(headers: Mapping[str, str]) -> dict[str, Any]:
    """The parameters of the one signature in ``Signature-Input``."""
    try:
        parsed = http_sf.parse(headers["signature-input"].encode(), tltype="dictionary")
    except (ValueError, TypeError) as exc:
        raise MalformedSignature("Signature-Input is not a structured dictionary") from exc
    if not isinstance(parsed, dict) or len(parsed) != 1:
        raise MalformedSignature("Expected exactly one signature in Signature-Input")
    (member,) = parsed.values()
    # A dictionary member is (value, parameters); a signature's value is an inner list.
    if not isinstance(member, tuple) or not isinstance(member[0], list):
        raise MalformedSignature("Signature-Input member is not an inner list")
    return dict(member[1])


def _algorithm_for(params: Mapping[str, Any], key: PublicKey) -> type[HTTPSignatureAlgorithm]:
    alg = params.get("alg")
    if alg is None:
        alg = "ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "rsa-v1_5-sha256"
    if alg not in ALGORITHMS:
        raise UnsupportedAlgorithm(f"Unsupported RFC 9421 algorithm {alg!r}")
    if not isinstance(key, _KEY_TYPES[alg]):
        raise UnsupportedAlgorithm(f"Algorithm {alg!r} does not fit the actor's key")
    return ALGORITHMS[alg]


def _load_public_key(pem: str | bytes) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(_pem(pem))
    except ValueError as exc:
        raise BadSignature("The public key cannot be read") from exc
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise UnsupportedAlgorithm("Only RSA and Ed25519 keys are accepted")
    return key


def _check_coverage(covered: Mapping[str, str], method: str, has_body: bool) -> None:
    names = {name.partition(";")[0].strip('"') for name in covered}
    if "@method" not in names:
        raise WeakSignature("The @method component must be signed")
    if "@target-uri" not in names and not {"@authority", "@path"} <= names:
        raise WeakSignature("@target-uri (or @authority and @path) must be signed")
    if (method.upper() == "POST" or has_body) and "content-digest" not in names:
        raise WeakSignature("Content-Digest must be signed for a request with a body")


def _translate(exc: HTTPMessageSignaturesException) -> SignatureError:
    message = str(exc)
    if "requires a signed" in message:
        return WeakSignature(message)
    if "digest" in message.lower():
        return DigestMismatch(message)
    return BadSignature(message)


def verify_rfc9421(
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    *,
    public_key_pem: str | bytes,
    now: datetime | None = None,
) -> None:
    """Check an RFC 9421 signature; raise a :class:`SignatureError` subclass if bad.

    ``url`` is the absolute URL the request was made to (scheme, host, path and
    query), as ``@target-uri`` covers all of it.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    if "signature-input" not in lowered or "signature" not in lowered:
        raise MissingSignature("Request has no Signature-Input / Signature headers")
    params = _signature_params(lowered)
    if not isinstance(params.get("keyid"), str):
        raise MalformedSignature("RFC 9421 signature has no keyid")
    key = _load_public_key(public_key_pem)
    algorithm = _algorithm_for(params, key)
    resolver = MappingKeyResolver(public_keys={params["keyid"]: key}, private_keys={})
    verifier = _WindowVerifier(signature_algorithm=algorithm, key_resolver=resolver)
    verifier.now = now
    request = _Request(method.upper(), url, dict(headers))
    try:
        (result,) = verifier.verify(request, max_age=None, body=body or b"")
    except InvalidSignature as exc:
        raise _translate(exc) from exc
    except HTTPMessageSignaturesException as exc:
        raise MalformedSignature(str(exc)) from exc
    _check_coverage(result.covered_components, method, bool(body))


def rfc9421_key_id(headers: Headers) -> str:
    """The ``keyid`` of the one signature in ``Signature-Input`` (to find its key)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if "signature-input" not in lowered:
        raise MissingSignature("Request has no Signature-Input header")
    key_id = _signature_params(lowered).get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise MalformedSignature("RFC 9421 signature has no keyid")
    return key_id
