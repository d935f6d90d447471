"""A host written as a number in any of the resolver's forms is checked as that address."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from weft.net.fetch import BadScheme, BlockedAddress, Guard, check_url, legacy_ipv4


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("0177.0.0.1", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("012.0.0.1", "10.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
    ],
)
def test_legacy_forms_are_read_as_the_resolver_reads_them(host: str, address: str) -> None:
    assert legacy_ipv4(host) == IPv4Address(address)


@pytest.mark.parametrize("host", ["example.com", "08.0.0.1", "1.2.3.4.5", "256.1.1.1", "1_0.0.0.1"])
def test_names_are_not_numbers(host: str) -> None:
    assert legacy_ipv4(host) is None


@pytest.mark.parametrize(
    "host", ["0177.0.0.1", "127.000.000.001", "0x7f.1", "2130706433", "012.0.0.1"]
)
def test_a_non_public_number_is_refused_before_anything_else(host: str) -> None:
    with pytest.raises(BlockedAddress, match="a non-public address"):
        check_url(f"https://{host}/users/alice", Guard())


def test_where_private_networks_are_allowed_an_unparsable_host_is_a_bad_url() -> None:
    with pytest.raises(BadScheme, match="is not a valid URL"):
        check_url("https://0177.0.0.1/users/alice", Guard(permits=lambda _: True))


def test_a_public_url_passes() -> None:
    assert str(check_url("https://example.com/users/alice", Guard())) == (
        "https://example.com/users/alice"
    )
