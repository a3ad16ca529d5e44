"""Which webhook targets are refused: the URL's form, and private addresses."""

from __future__ import annotations

import pytest

from flagstaff.addons.addresses import AddressRefusedError, check_resolved, check_saved

pytestmark = pytest.mark.engine_independent


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://127.8.9.1/x",
        "http://10.1.2.3/x",
        "http://172.16.0.1/x",
        "http://192.168.0.1/x",
        "http://169.254.169.254/x",
        "http://100.64.0.1/x",
        "http://0.0.0.0/x",
        "http://[::1]/x",
        "http://[fe80::1]/x",
        "http://[fd00::1]/x",
        "http://[::ffff:10.0.0.1]/x",
        "http://224.0.0.1/x",
        "http://localhost/x",
        "http://LOCALHOST./x",
    ],
)
def test_check_saved__private_literal__refused(url: str) -> None:
    with pytest.raises(AddressRefusedError):
        check_saved(url, allow_private=False)
    check_saved(url, allow_private=True)


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/x", "http://8.8.8.8:8080/x", "https://[2606:4700::1111]/"]
)
def test_check_saved__public__accepted(url: str) -> None:
    check_saved(url, allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "example.com/x",
        "https://",
        "https://u:p@example.com/",
        "https://example.com:70000/",
        " https://example.com/",
        "https://exa mple.com/",
    ],
)
def test_check_saved__not_an_http_url__refused(url: str) -> None:
    with pytest.raises(AddressRefusedError):
        check_saved(url, allow_private=True)


def test_check_resolved__name_of_loopback__refused() -> None:
    with pytest.raises(AddressRefusedError, match="not a public address"):
        check_resolved("http://localhost:1/x", allow_private=False)
    check_resolved("http://localhost:1/x", allow_private=True)
